/**
 * Choosing the input and keeping on across an unplug, on the virtual microphone (its own rig, with
 * a second source plugged in): `--list-devices`, `--device` by id and by name, and a recording in
 * tmux at 80 and 50 columns whose microphone is unplugged for 3 s: the status line says so on its
 * one row, the WAV has the tone, exact zeros while the device was gone, and the tone again.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AudioRig, startRig } from '@micgate/audio-rig';
import { decodeWav, measureLevel } from '@micgate/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dominantFrequency, finished, micgateBin, recorderBin, spawnNode, tempDir } from './helpers.js';

const has = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const canRun = ['pulseaudio', 'pacat', 'tmux'].every(has);
if (!canRun) console.log('pulseaudio, pacat or tmux is missing: the device tests of the recorder cannot run here');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!canRun)('micgate-record: choosing the input, and an unplug while recording', () => {
  let rig: AudioRig;
  let dir: { path: string; remove: () => Promise<void> };
  let env: NodeJS.ProcessEnv;
  let socket: string;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

  beforeAll(async () => {
    rig = await startRig({ frequency: 440, amplitude: 0.5 });
    await rig.addSource('second', { frequency: 660, description: 'Second microphone' });
  }, 30_000);
  afterAll(() => rig?.stop());
  beforeEach(async () => {
    dir = await tempDir();
    socket = `micgate-dev-${process.pid}-${Date.now()}`;
    env = { PATH: process.env.PATH, HOME: dir.path, XDG_CONFIG_HOME: join(dir.path, 'config'), ...rig.env };
    expect((await finished(spawnNode([micgateBin, 'grant', 'micgate-record', '--force'], env))).code).toBe(0);
  });
  afterEach(async () => {
    try {
      tmux('kill-server');
    } catch {
      // no tmux server in this test
    }
    await dir.remove();
  });

  it('--list-devices prints every input with its id, the default marked, status 0', async () => {
    const result = await finished(spawnNode([recorderBin, '--list-devices'], env));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      'Input devices; use --device with an id or a name:\n' +
        '  pulse:vmic.monitor  Monitor of Null Output  [default]\n' +
        '  pulse:second  Second microphone\n',
    );
  });

  it.each([['pulse:second'], ['Second microphone'], ['second mic']])(
    '--device %j records that input (the second source’s 660 Hz, not the default’s 440 Hz)',
    async (device) => {
      const out = join(dir.path, 'second.wav');
      const result = await finished(spawnNode([recorderBin, out, '--seconds', '1', '--device', device], env));
      expect(result.code, result.stderr).toBe(0);
      const wav = decodeWav(new Uint8Array(await readFile(out)));
      const audio = wav.samples.subarray(wav.samples.findIndex((sample) => sample !== 0) + 2400);
      expect(dominantFrequency(audio, 1, 48_000)).toBeCloseTo(660, -1);
    },
  );

  it.each([80, 50])(
    'at %i columns: unplugged for 3 s, the status line says "device lost" on its row; the file is tone, zeros, tone',
    async (columns) => {
      await rig.setSine(440, 0.5);
      const out = join(dir.path, 'take.wav');
      const command = `env HOME=${JSON.stringify(dir.path)} XDG_CONFIG_HOME=${JSON.stringify(env.XDG_CONFIG_HOME)} PULSE_SERVER=${JSON.stringify(rig.env.PULSE_SERVER)} ALSA_CONFIG_PATH=${JSON.stringify(rig.env.ALSA_CONFIG_PATH)} TERM=xterm-256color ${JSON.stringify(process.execPath)} ${JSON.stringify(recorderBin)} ${JSON.stringify(out)} --seconds 8 --device pulse:vmic.monitor; echo "status $?"; sleep 30`;
      tmux('new-session', '-d', '-s', 'rec', '-x', String(columns), '-y', '30', command);
      const text = (...flags: string[]) =>
        tmux('capture-pane', '-p', ...flags, '-t', 'rec')
          .split('\n')
          .map((row) => row.trimEnd())
          .filter((row) => row !== '');
      // rows: as the terminal shows them; lines: what the program wrote (the terminal's wrapping undone).
      const screen = () => ({ rows: text(), lines: text('-J') });
      const waitFor = async (pattern: RegExp, timeoutMs: number) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const now = screen();
          if (now.lines.some((line) => pattern.test(line))) return now;
          if (Date.now() > deadline) throw new Error(`not on screen: ${pattern}\n${now.rows.join('\n')}`);
          await sleep(50);
        }
      };
      await waitFor(/^● REC 00:02\.\d.*dBFS$/, 15_000);
      await rig.unplug();
      const lost = await waitFor(/device lost/, 3_000);
      await sleep(2_800);
      const stillLost = screen();
      const replugAt = performance.now();
      await rig.replug(); // resolves once the virtual microphone delivers again (~2 s: see the rig's README)
      const replugSeconds = (performance.now() - replugAt) / 1000;
      const back = await waitFor(/^● REC .*dBFS$/, 2_000);
      const final = await waitFor(/^status \d+$/, 15_000);
      console.info(
        `${columns} columns, while unplugged:\n${stillLost.rows.join('\n')}\nback:\n${back.rows.join('\n')}\nafter:\n${final.rows.join('\n')}`,
      );
      for (const shown of [lost, stillLost, back]) {
        // The recording line, then the meter on one row of its own, never wider than the terminal:
        // no line per event, nothing left over from a redraw.
        expect(shown.lines).toHaveLength(2);
        expect(shown.lines[0]).toMatch(/^Recording 8 s to .*take\.wav/);
        expect([...shown.lines[1]!].length).toBeLessThan(columns);
        expect(shown.rows).toHaveLength(Math.ceil([...shown.lines[0]!].length / columns) + 1);
      }
      expect(stillLost.lines[1]).toMatch(/silence: device lost/);
      expect(final.lines.at(-1)).toBe('status 0');
      // The summary's figure: the staged unplug (about 3 s: the screen shows it, then 2.8 s more) and the replug.
      const saidGone = Number(/The input device was gone for ([\d.]+) s/.exec(final.lines.join(''))?.[1]);
      expect(saidGone).toBeGreaterThan(2.8);
      expect(saidGone).toBeLessThan(3 + replugSeconds + 0.6);

      const wav = decodeWav(new Uint8Array(await readFile(out)));
      expect(wav.frames).toBe(8 * 48_000);
      // Where the zeros are: one run of about 3 s in the middle (plus the device's start), tone around it.
      const buffers = [];
      for (let at = 0; at + 960 <= wav.samples.length; at += 960) buffers.push(wav.samples.subarray(at, at + 960));
      const silent = buffers.map((buffer) => buffer.every((sample) => sample === 0));
      const firstSound = silent.indexOf(false);
      const gapStart = silent.indexOf(true, firstSound);
      const gapEnd = silent.indexOf(false, gapStart);
      expect(gapStart).toBeGreaterThan(firstSound);
      expect(gapEnd).toBeGreaterThan(gapStart);
      const gapSeconds = ((gapEnd - gapStart) * 960) / 48_000;
      console.info(
        `${columns} columns: ${gapSeconds.toFixed(2)} s of zeros in the file for the 3 s unplug and the rig's ${replugSeconds.toFixed(2)} s replug`,
      );
      expect(gapSeconds).toBeGreaterThan(2.8);
      expect(gapSeconds).toBeLessThan(3 + replugSeconds + 0.6);
      expect(silent.slice(gapEnd).every((isSilent) => !isSilent)).toBe(true);
      const after = wav.samples.subarray(gapEnd * 960 + 2400);
      expect(dominantFrequency(after, 1, 48_000)).toBeCloseTo(440, -1);
      expect(measureLevel(after).rms).toBeGreaterThan(0.3);
    },
    40_000,
  );
});
