import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AudioRig, startRig } from '@micgate/audio-rig';
import { decodeWav, measureLevel } from '@micgate/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dominantFrequency, finished, micgateBin, recorderBin, spawnNode, stderrShows, tempDir } from './helpers.js';

const hasPulseAudio = ['pulseaudio', 'pacat'].every((command) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
if (!hasPulseAudio)
  console.log('pulseaudio/pacat are not installed: the virtual-microphone recordings cannot run here');

/** The samples from the first non-zero one on: what the device delivered after the grant. */
function deviceAudio(samples: Float32Array): Float32Array {
  const start = samples.findIndex((sample) => sample !== 0);
  return start < 0 ? new Float32Array(0) : samples.subarray(start);
}

describe.skipIf(!hasPulseAudio)('micgate-record on the virtual microphone', () => {
  // Its own rig, even when .ci/run started one: these tests change the sine.
  let rig: AudioRig;
  let dir: { path: string; remove: () => Promise<void> };
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    rig = await startRig({ frequency: 1000, amplitude: 0.5 });
  }, 30_000);
  afterAll(() => rig?.stop());
  beforeEach(async () => {
    dir = await tempDir();
    env = { PATH: process.env.PATH, HOME: dir.path, XDG_CONFIG_HOME: join(dir.path, 'config'), ...rig.env };
    expect((await finished(spawnNode([micgateBin, 'grant', 'micgate-record', '--force'], env))).code).toBe(0);
  });
  afterEach(() => dir.remove());

  it('records the rig’s 1 kHz sine at its level into a valid WAV of the asked length', async () => {
    await rig.setSine(1000, 0.5);
    const out = join(dir.path, 'sine.wav');
    const result = await finished(spawnNode([recorderBin, out, '--seconds', '2'], env));
    expect(result.stderr).toMatch(/Saved .*sine\.wav: 2 s at 48000 Hz, 1 channel, 16-bit PCM, peak -?\d/);
    expect(result.stderr).toMatch(/recording \d\.\d s of 2\.0 s, [\d.]+ s left, level -?\d+\.\d dBFS/);
    expect(result.code).toBe(0);
    const wav = decodeWav(new Uint8Array(await readFile(out)));
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 1, frames: 96_000 });
    const audio = deviceAudio(wav.samples).subarray(4800); // skip the device's first 100 ms
    expect(audio.length).toBeGreaterThan(48_000);
    const frequency = dominantFrequency(audio, 1, 48_000);
    const { rms } = measureLevel(audio);
    console.log(
      `recorded ${frequency.toFixed(1)} Hz at RMS ${rms.toFixed(4)} (expected 1000 Hz, ${(0.5 / Math.SQRT2).toFixed(4)})`,
    );
    expect(frequency).toBeGreaterThan(995);
    expect(frequency).toBeLessThan(1005);
    expect(rms).toBeGreaterThan((0.5 / Math.SQRT2) * 0.9);
    expect(rms).toBeLessThan((0.5 / Math.SQRT2) * 1.1);
  });

  it('records stereo at 44.1 kHz when asked', async () => {
    await rig.setSine(440, 0.25);
    const out = join(dir.path, 'stereo.wav');
    const result = await finished(
      spawnNode([recorderBin, out, '--seconds', '1', '--rate', '44100', '--channels', '2'], env),
    );
    expect(result.code).toBe(0);
    const wav = decodeWav(new Uint8Array(await readFile(out)));
    expect(wav).toMatchObject({ sampleRate: 44_100, channels: 2, frames: 44_100 });
    const audio = deviceAudio(wav.samples).subarray(8820);
    expect(dominantFrequency(audio, 2, 44_100)).toBeGreaterThan(435);
    expect(dominantFrequency(audio, 2, 44_100)).toBeLessThan(445);
  });

  it('stops on Ctrl-C and keeps a valid WAV with what it recorded', async () => {
    const out = join(dir.path, 'interrupted.wav');
    const child = spawnNode([recorderBin, out, '--seconds', '20'], env);
    const done = finished(child);
    await stderrShows(child, /recording [1-9]\.\d s of/, 15_000);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(
      /Stopped after [\d.]+ s\. Saved .*interrupted\.wav: [\d.]+ s at 48000 Hz, 1 channel, 16-bit PCM, a complete WAV file/,
    );
    const bytes = new Uint8Array(await readFile(out));
    const wav = decodeWav(bytes);
    // The header's sizes match what is in the file.
    expect(new DataView(bytes.buffer).getUint32(40, true)).toBe(bytes.length - 44);
    // It holds what was recorded up to the Ctrl-C, as the message says: about a second, not 20.
    const said = Number(/Stopped after ([\d.]+) s/.exec(result.stderr)?.[1]);
    expect(Math.abs(wav.frames / 48_000 - said)).toBeLessThan(0.01);
    expect(wav.frames).toBeGreaterThan(24_000);
    expect(wav.frames).toBeLessThan(10 * 48_000);
  });

  it('goes silent when access is turned off with `micgate deny` during the recording (R9)', async () => {
    await rig.setSine(1000, 0.5);
    const out = join(dir.path, 'revoked.wav');
    const child = spawnNode([recorderBin, out, '--seconds', '4'], env);
    const done = finished(child);
    await stderrShows(child, /recording \d\.\d s of/, 15_000); // the first progress line, about 1 s in
    expect((await finished(spawnNode([micgateBin, 'deny', 'micgate-record', '--force'], env))).code).toBe(0);
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/of it is silence/);
    const wav = decodeWav(new Uint8Array(await readFile(out)));
    const tail = wav.samples.subarray(wav.samples.length - 24_000);
    expect(tail.every((sample) => sample === 0)).toBe(true); // the last 0.5 s: gated
    expect(measureLevel(deviceAudio(wav.samples).subarray(0, 24_000)).rms).toBeGreaterThan(0.2); // sound before it
  });

  it('names a --device that does not exist, lists the real ones, and writes no file, status 3', async () => {
    const out = join(dir.path, 'none.wav');
    const result = await finished(
      spawnNode([recorderBin, out, '--seconds', '1', '--device', 'no-such-microphone'], env),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/no-such-microphone/);
    expect(result.stderr).toMatch(/Input devices; use --device/);
    expect(result.stderr).toContain('No file was written.');
  });
});
