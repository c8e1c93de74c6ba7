import { execFileSync, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AudioRig, startRig } from '@micgate/audio-rig';
import { decodeWav } from '@micgate/core';
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
const runnable = has('script') && has('pulseaudio') && has('pacat');
if (!runnable) console.log('util-linux script or pulseaudio is missing: the interactive recording cannot run here');

describe.skipIf(!runnable)('micgate-record on a real terminal', () => {
  let rig: AudioRig;
  let dir: { path: string; remove: () => Promise<void> };
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    rig = await startRig({ frequency: 440, amplitude: 0.5 });
  }, 30_000);
  afterAll(() => rig?.stop());
  beforeEach(async () => {
    dir = await tempDir();
    env = {
      PATH: process.env.PATH,
      HOME: dir.path,
      XDG_CONFIG_HOME: join(dir.path, 'config'),
      TERM: 'xterm',
      ...rig.env,
    };
  });
  afterEach(() => dir.remove());

  /** Run the recorder under a pseudo-terminal; type `keys` once it asks. */
  async function recordOnTerminal(args: string[], keys: string) {
    const command = [process.execPath, recorderBin, ...args].map((part) => JSON.stringify(part)).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env,
      cwd: dir.path,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
    const done = finished(child, 25_000);
    const deadline = Date.now() + 15_000;
    const asked = /Allow\? \[y\/[nN]\]/;
    while (!asked.test(screen) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    // A person reads the question first (the prompt ignores answers typed before it or within ~100 ms).
    await new Promise((resolve) => setTimeout(resolve, 400));
    child.stdin.write(keys);
    const result = await done;
    return { screen, code: result.code };
  }

  it('asks, takes "y", shows the meter, records the sine, and remembers the grant', async () => {
    const out = join(dir.path, 'take.wav');
    const { screen, code } = await recordOnTerminal([out, '--seconds', '1.5'], 'y\r');
    // The question may be wrapped at the terminal's width.
    expect(screen.replace(/\s+/g, ' ')).toMatch(
      /“micgate-record” would like to use the microphone\. micgate-record saves what the microphone hears to the WAV file you named\. Allow\? \[y\/[nN]\]/,
    );
    expect(screen).toMatch(/● REC 00:0\d\.\d \/ 00:01\.5 {2}\[#+-*\] {2}-\d+\.\d dBFS/);
    expect(screen).toMatch(/Saved .*take\.wav: 1\.5 s at 48000 Hz/);
    expect(code).toBe(0);
    const wav = decodeWav(new Uint8Array(await readFile(out)));
    expect(wav.frames).toBe(72_000);
    const start = wav.samples.findIndex((sample) => sample !== 0);
    expect(Math.abs(dominantFrequency(wav.samples.subarray(start + 4800), 1, 48_000) - 440)).toBeLessThan(4.4);
    const listed = await finished(spawnNode([micgateBin, 'list', '--json'], env));
    expect(JSON.parse(listed.stdout)['micgate-record'].decision).toBe('granted');
  });

  it('takes "n": records silence, says how to allow it, remembers the denial', async () => {
    const out = join(dir.path, 'denied.wav');
    const { screen, code } = await recordOnTerminal([out, '--seconds', '0.5'], 'n\r');
    expect(code).toBe(4);
    expect(screen).toContain('silence: permission denied');
    expect(screen).toContain('npx micgate grant micgate-record');
    const wav = decodeWav(new Uint8Array(await readFile(out)));
    expect(wav.frames).toBe(24_000);
    expect(wav.samples.every((sample) => sample === 0)).toBe(true);
    const listed = await finished(spawnNode([micgateBin, 'list', '--json'], env));
    expect(JSON.parse(listed.stdout)['micgate-record'].decision).toBe('denied');
  });

  it('takes Ctrl-C at the question as no answer: nothing written, nothing remembered, status 4', async () => {
    const out = join(dir.path, 'none.wav');
    const { screen, code } = await recordOnTerminal([out, '--seconds', '1'], '\u0003');
    expect(code).toBe(4);
    expect(screen).toContain('closed without an answer');
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
    const listed = await finished(spawnNode([micgateBin, 'list', '--json'], env));
    expect(JSON.parse(listed.stdout)).toEqual({});
  });
});
