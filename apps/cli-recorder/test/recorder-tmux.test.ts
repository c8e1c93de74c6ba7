/**
 * The recorder on a real terminal of 80 and 50 columns (tmux), and one narrowed from 80 to 50
 * while it records: the meter redraws in place on one row that never wraps, and the screen holds
 * exactly the lines the recorder means to print. Access is denied (the case whose line used to be
 * 86 characters long), so no sound server is needed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finished, micgateBin, recorderBin, spawnNode, tempDir } from './helpers.js';

const hasTmux = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v tmux'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasTmux) console.log('tmux is not installed: the terminal-width tests cannot run here');

let dir: { path: string; remove: () => Promise<void> };
let socket: string;
const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

beforeEach(async () => {
  dir = await tempDir();
  socket = `micgate-rec-${process.pid}-${Date.now()}`;
});
afterEach(async () => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
  await dir.remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Screen {
  /** The rows as the terminal shows them, with what scrolled off the top (trailing blank rows dropped). */
  rows: string[];
  /** The lines the program wrote, with the terminal's own wrapping undone. */
  lines: string[];
  columns: number;
}

function capture(): Screen {
  const trim = (text: string) => {
    const all = text.split('\n').map((line) => line.trimEnd());
    while (all.length > 0 && all[all.length - 1] === '') all.pop();
    return all;
  };
  const rows = () => trim(tmux('capture-pane', '-p', '-S', '-', '-t', 'rec'));
  // Separate tmux calls are not one instant: keep the lines only if the row count did not change
  // around them (the meter's own redraws change a row's text, never the count).
  for (;;) {
    const before = rows();
    const lines = trim(tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'rec'));
    const columns = Number(tmux('display', '-p', '-t', 'rec', '#{window_width}').trim());
    const after = rows();
    if (before.length === after.length) return { rows: after, lines, columns };
  }
}

/** Rows that `lines` take on a terminal of `columns` columns. */
const rowsFor = (lines: string[], columns: number) =>
  lines.reduce((sum, line) => sum + Math.max(1, Math.ceil([...line].length / columns)), 0);

async function recordIn(columns: number, seconds: number, during?: (screen: Screen) => void, resizeTo?: number) {
  const env = { PATH: process.env.PATH, HOME: dir.path, XDG_CONFIG_HOME: join(dir.path, 'config') };
  expect((await finished(spawnNode([micgateBin, 'deny', 'micgate-record', '--force'], env))).code).toBe(0);
  const out = join(dir.path, 'take.wav');
  const command = `cd ${JSON.stringify(dir.path)} && env HOME=${JSON.stringify(dir.path)} XDG_CONFIG_HOME=${JSON.stringify(env.XDG_CONFIG_HOME)} TERM=xterm-256color ${JSON.stringify(process.execPath)} ${JSON.stringify(recorderBin)} ${JSON.stringify(out)} --seconds ${seconds}; echo "status $?"; sleep 30`;
  tmux('new-session', '-d', '-s', 'rec', '-x', String(columns), '-y', '30', command);
  const screens: Screen[] = [];
  const deadline = Date.now() + 20_000;
  let resized = false;
  for (;;) {
    const screen = capture();
    if (screen.lines.some((line) => line.startsWith('status '))) return { final: screen, screens, out };
    if (screen.lines.some((line) => line.startsWith('● REC'))) {
      screens.push(screen);
      during?.(screen);
      if (resizeTo !== undefined && !resized && screens.length > 1) {
        tmux('resize-window', '-t', 'rec', '-x', String(resizeTo));
        resized = true;
      }
    }
    if (Date.now() > deadline) throw new Error(`the recorder did not finish: ${screen.lines.join('\n')}`);
    await sleep(80);
  }
}

const printedBefore = [
  /^Microphone access for “micgate-record” is denied, so .*take\.wav will hold 2 s of silence: every sample is 0\.$/,
  /^To allow it, even during this take, run:$/,
  /^ {2}npx micgate grant micgate-record$/,
  /^Recording 2 s to .*take\.wav: 48000 Hz, 1 channel\. Ctrl-C stops early\.$/,
];
const printedAfter = [
  /^Saved .*take\.wav: 2 s at 48000 Hz, 1 channel, 16-bit PCM: all silence, because “micgate-record” may not use the microphone\.$/,
  /^To record sound, run `npx micgate grant micgate-record` and then this again\.$/,
  /^status 4$/,
];

function expectMeterInPlace(screen: Screen) {
  // What the program wrote: the lines before, then the meter, nothing else.
  expect(screen.lines).toHaveLength(printedBefore.length + 1);
  for (const [i, pattern] of printedBefore.entries()) expect(screen.lines[i]).toMatch(pattern);
  const meter = screen.lines[printedBefore.length]!;
  expect(meter).toMatch(/^● REC 00:0\d\.\d( \/ 00:02\.0)? {2}(\[-+\] {2})?silence: permission denied$/);
  expect([...meter].length).toBeLessThan(screen.columns); // never wraps
  // And the terminal shows them on exactly the rows they need: no leftover of an earlier redraw.
  expect(screen.rows, JSON.stringify(screen, null, 1)).toHaveLength(rowsFor(screen.lines, screen.columns));
}

describe.skipIf(!hasTmux)('micgate-record in a pseudo-terminal (tmux)', () => {
  it.each([80, 50])(
    'at %i columns the meter stays on one row and the screen only grows by the lines it prints',
    async (columns) => {
      const { final, screens } = await recordIn(columns, 2, expectMeterInPlace);
      expect(screens.length).toBeGreaterThan(5);
      const rowCounts = new Set(screens.map((screen) => screen.rows.length));
      expect([...rowCounts]).toEqual([rowsFor(screens[0]!.lines, columns)]);
      console.info(`${columns} columns, during:\n${screens.at(-1)!.rows.join('\n')}\nafter:\n${final.rows.join('\n')}`);
      expect(final.lines).toHaveLength(printedBefore.length + printedAfter.length);
      for (const [i, pattern] of [...printedBefore, ...printedAfter].entries()) expect(final.lines[i]).toMatch(pattern);
      expect(final.rows, JSON.stringify(final, null, 1)).toHaveLength(rowsFor(final.lines, columns));
    },
  );

  it('narrowed from 80 to 50 columns while recording: redraws to fit, leaves no wrapped remains', async () => {
    const { final, screens } = await recordIn(80, 2, undefined, 50);
    const narrow = screens.filter((screen) => screen.columns === 50);
    expect(narrow.length).toBeGreaterThanOrEqual(2);
    // The first capture after the resize may catch the terminal's reflow before the redraw.
    for (const screen of narrow.slice(1)) expectMeterInPlace(screen);
    console.info(`narrowed, during:\n${narrow.at(-1)!.rows.join('\n')}`);
    for (const [i, pattern] of [...printedBefore, ...printedAfter].entries()) expect(final.lines[i]).toMatch(pattern);
    expect(final.rows).toHaveLength(rowsFor(final.lines, 50));
  });
});
