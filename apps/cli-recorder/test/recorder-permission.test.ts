import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ALSA_CONFIG } from '@micgate/audio-rig';
import { decodeWav } from '@micgate/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finished, micgateBin, recorderBin, repoRoot, spawnNode, tempDir } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  dir = await tempDir();
  // No sound server here: a socket that does not exist, whatever the caller's environment has.
  env = {
    PATH: process.env.PATH,
    HOME: dir.path,
    XDG_CONFIG_HOME: join(dir.path, 'config'),
    PULSE_SERVER: `unix:${join(dir.path, 'no-pulse')}`,
    ALSA_CONFIG_PATH: ALSA_CONFIG,
  };
});
afterEach(() => dir.remove());

const run = (bin: string, ...args: string[]) => finished(spawnNode([bin, ...args], env));

describe('micgate-record without a microphone', () => {
  it('cannot ask without a terminal: says how to decide first, writes nothing, status 5', async () => {
    const out = join(dir.path, 'out.wav');
    const result = await run(recorderBin, out, '--seconds', '0.2');
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/cannot ask: there is no\s+terminal/);
    expect(result.stderr).toContain('npx micgate grant micgate-record');
    expect(existsSync(out)).toBe(false);
  });

  it('when denied, records exact zeros for the whole duration and says how to allow it, status 4', async () => {
    expect((await run(micgateBin, 'deny', 'micgate-record', '--force')).code).toBe(0);
    const out = join(dir.path, 'denied.wav');
    const started = Date.now();
    const result = await run(recorderBin, out, '--seconds', '0.5', '--rate', '16000', '--channels', '2');
    const elapsed = Date.now() - started;
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      /Microphone access for “micgate-record” is denied, so .*denied\.wav will hold 0\.5 s of silence: every sample is 0/,
    );
    expect(result.stderr).toContain('npx micgate grant micgate-record');
    expect(result.stderr).toMatch(/all silence, because “micgate-record” may not use the microphone/);
    const wav = decodeWav(new Uint8Array(await readFile(out)));
    expect(wav).toMatchObject({ sampleRate: 16_000, channels: 2, sampleFormat: 'pcm16', frames: 8000 });
    expect(wav.samples.every((sample) => sample === 0)).toBe(true);
    // Silence comes at the real-time pace (R7), not all at once.
    expect(elapsed).toBeGreaterThanOrEqual(450);
  });

  it('with a custom --app-id, the decision and the advice use that id', async () => {
    expect((await run(micgateBin, 'deny', 'com.example.rec', '--force')).code).toBe(0);
    const result = await run(recorderBin, join(dir.path, 'x.wav'), '--seconds', '0.1', '--app-id', 'com.example.rec');
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('`npx micgate grant com.example.rec`');
  });

  it('when granted on a machine with no input device, says so and how to try the virtual microphone, status 3', async () => {
    expect((await run(micgateBin, 'grant', 'micgate-record', '--force')).code).toBe(0);
    const out = join(dir.path, 'out.wav');
    const result = await run(recorderBin, out, '--seconds', '0.2');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/No audio input device was found/);
    expect(result.stderr).toContain('tooling/audio-rig/cli.js start');
    expect(existsSync(out)).toBe(false);
  });

  it('warns about an output name that is not .wav, and still writes a WAV', async () => {
    expect((await run(micgateBin, 'deny', 'micgate-record', '--force')).code).toBe(0);
    const out = join(dir.path, 'take.mp3');
    const result = await run(recorderBin, out, '--seconds', '0.1');
    expect(result.stderr).toContain(`Warning: ${out} does not end in .wav; it will hold WAV audio all the same.`);
    expect(decodeWav(new Uint8Array(await readFile(out))).frames).toBe(4_800);
  });

  it('--force replaces an existing file', async () => {
    expect((await run(micgateBin, 'deny', 'micgate-record', '--force')).code).toBe(0);
    const out = join(dir.path, 'again.wav');
    await writeFile(out, 'old');
    const result = await run(recorderBin, out, '--seconds', '0.1', '--force');
    expect(result.code).toBe(4);
    expect(decodeWav(new Uint8Array(await readFile(out))).frames).toBe(4_800);
  });

  it('in the micgate repository, advises the command that runs there: npm run micgate -- …', async () => {
    const result = await finished(spawnNode([recorderBin, join(dir.path, 'x.wav'), '--seconds', '0.1'], env, repoRoot));
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('  npm run micgate -- grant micgate-record     to record from the microphone');
  });
});
