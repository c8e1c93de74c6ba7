// Issue 12's acceptance test on the Node rig, with real PortAudio: a 20 s recording whose
// microphone is unplugged for 5 s in the middle. One process, one subscription, the default
// options (onDeviceLost 'wait'): the stream goes on with zeros labelled 'device-lost' while the
// device is gone, positions never skip, and the tone is back within 1 s of the replug.
import { attachRig } from '@micgate/audio-rig';
import { type AudioFrame, createAudioSession, measureLevel } from '@micgate/core';
import { describe, expect, inject, test } from 'vitest';
import { createNodeAdapter } from '../src/adapter.js';
import { captureStats } from '../src/capture/index.js';
import { tempDir } from './helpers.js';
import { concat, estimateFrequency } from './signal.js';

const rigDir = inject('rigDir');
const rig = () => attachRig(rigDir);
const RATE = 48_000;
const BUFFER = 480; // 10 ms

interface Arrival {
  frame: AudioFrame;
  /** performance.now() when it reached the subscriber. */
  at: number;
}

describe.skipIf(rigDir === '')('a recording survives an unplugged microphone (real PortAudio on the rig)', () => {
  test('20 s, unplugged for 5 s in the middle: zeros exactly while it is gone, the tone back within 1 s of the replug', {
    timeout: 60_000,
  }, async () => {
    await rig().setSine(440, 0.5);
    const dir = await tempDir();
    const adapter = createNodeAdapter({ appId: 'survival-test', configDir: dir.path, onError: () => {} });
    await adapter.store.set('survival-test', 'granted');
    const session = createAudioSession({ adapter, usageDescription: 'Records the survival test.' });
    const arrivals: Arrival[] = [];
    let failed: unknown;
    let completed = false;
    let unpluggedAt = 0;
    let replugCalledAt = 0;
    let repluggedAt = 0;
    const opensBefore = captureStats().opened;
    // When the adapter's device stream lists the microphone again.
    let listedAgainAt = 0;
    const listing = adapter.deviceChanges().subscribe((devices) => {
      if (replugCalledAt > 0 && listedAgainAt === 0 && devices.some((device) => device.id === 'pulse:vmic.monitor')) {
        listedAgainAt = performance.now();
      }
    });
    const done = new Promise<void>((resolve) => {
      const subscription = session.record({ sampleRate: RATE, channels: 1, framesPerBuffer: BUFFER }).subscribe({
        next(frame) {
          // Copy: samples are only valid during delivery.
          arrivals.push({ frame: { ...frame, samples: frame.samples.slice() }, at: performance.now() });
          if (frame.position + frame.frames >= 20 * RATE) {
            subscription.unsubscribe();
            resolve();
          }
        },
        error(error) {
          failed = error;
          resolve();
        },
        complete() {
          completed = true;
          resolve();
        },
      });
    });
    try {
      const recorded = () => (arrivals.at(-1)?.frame.position ?? 0) / RATE;
      const until = async (seconds: number) => {
        while (recorded() < seconds && failed === undefined && !completed) await new Promise((r) => setTimeout(r, 10));
      };
      await until(7.5);
      unpluggedAt = performance.now();
      await rig().unplug();
      await new Promise((resolve) => setTimeout(resolve, 5_000 - (performance.now() - unpluggedAt)));
      replugCalledAt = performance.now();
      await rig().replug();
      repluggedAt = performance.now();
      await done;
    } finally {
      listing.unsubscribe();
      session.close();
      adapter.close();
      await dir.remove();
    }
    expect(failed).toBeUndefined();
    expect(completed).toBe(false);

    // No gap, no overlap: one stream from 0 to 20 s.
    const frames = arrivals.map((arrival) => arrival.frame);
    expect(frames[0]?.position).toBe(0);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.position).toBe(frames[i - 1]!.position + BUFFER);
    expect(frames.at(-1)!.position + BUFFER).toBeGreaterThanOrEqual(20 * RATE);

    const runs: string[] = [];
    for (const { frame } of arrivals) {
      const key = `${frame.gated ? 'gated' : 'device'}:${frame.silence ?? ''}`;
      if (runs.at(-1)?.startsWith(`${key} `)) {
        const [k, n] = runs.pop()!.split(' ');
        runs.push(`${k} ${Number(n) + 1}`);
      } else runs.push(`${key} 1`);
    }
    console.log(`frames by kind: ${runs.join(', ')}`);
    // The device-lost frames: one run, all exact zeros, between the unplug and the replug.
    const lost = arrivals.filter((arrival) => arrival.frame.silence === 'device-lost');
    expect(lost.length).toBeGreaterThan(0);
    const firstLost = arrivals.indexOf(lost[0]!);
    const lastLost = arrivals.indexOf(lost.at(-1)!);
    expect(lastLost - firstLost + 1).toBe(lost.length);
    for (const { frame } of lost) {
      expect(frame.gated).toBe(true);
      expect(frame.samples.every((sample) => sample === 0)).toBe(true);
    }
    // The tone before the unplug and after the replug; between them only the session's zeros.
    const firstDevice = arrivals.findIndex((arrival) => !arrival.frame.gated);
    // (The session may first try to reopen, 'device-starting', before it knows the device is gone.)
    const lastToneBefore = arrivals.findLastIndex((arrival, i) => i < firstLost && !arrival.frame.gated);
    const firstToneAfter = arrivals.findIndex((arrival, i) => i > lastLost && !arrival.frame.gated);
    expect(firstDevice).toBeGreaterThanOrEqual(0);
    expect(firstToneAfter).toBeGreaterThan(lastLost);
    for (let i = firstDevice; i < arrivals.length; i++) {
      const { frame } = arrivals[i]!;
      if (i > lastToneBefore && i < firstToneAfter) {
        // Gone, then the device starting again: exact zeros, and said why.
        expect(frame.gated).toBe(true);
        expect(['device-lost', 'device-starting']).toContain(frame.silence);
        expect(frame.samples.every((sample) => sample === 0)).toBe(true);
      } else {
        expect(frame.gated).toBe(false);
        expect(measureLevel(frame.samples).rms).toBeGreaterThan(0.3); // the rig's 0.5 sine: RMS 0.354
      }
    }
    const tone = (from: number, to: number) =>
      estimateFrequency(concat(arrivals.slice(from, to).map((arrival) => arrival.frame.samples)), RATE);
    expect(tone(lastToneBefore - 100, lastToneBefore + 1)).toBeCloseTo(440, -1);
    expect(tone(firstToneAfter + 10, firstToneAfter + 110)).toBeCloseTo(440, -1);

    // Times, for the note: how long after the unplug the zeros began, how long after the replug the
    // tone came back. Both from the moment the rig was asked (its pactl calls included).
    const lostDetectedMs = lost[0]!.at - unpluggedAt;
    const recoveryMs = arrivals[firstToneAfter]!.at - replugCalledAt;
    const goneSeconds = ((firstToneAfter - lastToneBefore - 1) * BUFFER) / RATE;
    const wallGoneSeconds = (arrivals[firstToneAfter]!.at - arrivals[lastToneBefore]!.at) / 1000;
    console.log(
      `unplugged 5 s: zeros from ${lostDetectedMs.toFixed(0)} ms after unplug() was called; listed again ${(listedAgainAt - replugCalledAt).toFixed(0)} ms and the tone back ${recoveryMs.toFixed(0)} ms after replug() was called ` +
        `(it resolved after ${(repluggedAt - replugCalledAt).toFixed(0)} ms); ${goneSeconds.toFixed(2)} s of zeros in the recording for ${wallGoneSeconds.toFixed(2)} s without tone; device opened ${captureStats().opened - opensBefore} times`,
    );
    expect(lostDetectedMs).toBeLessThan(1_000);
    expect(listedAgainAt).toBeGreaterThan(replugCalledAt);
    expect(recoveryMs).toBeLessThan(1_000);
    // Positions are time: the zeros fill the time the tone was missing, to within a few buffers.
    expect(goneSeconds).toBeGreaterThan(5);
    expect(Math.abs(goneSeconds - wallGoneSeconds)).toBeLessThan(0.1);
  });
});
