// What the SharedArrayBuffer ring test and the transfer fallback test share: the same capture,
// checked the same way, and a look at what the capture worklet posts to the main thread.
import { type DeviceFrame, measureLevel } from '@micgate/core';
import { firstValueFrom, map, type Observable, take, toArray } from 'rxjs';
import { expect } from 'vitest';
import { FAKE_MICROPHONE, measureFrequency } from '@micgate/chromium-rig/page';

/** Every message posted to a MessagePort handler on this page from now on (the capture worklet's port is the only one). */
export function watchPortMessages(): { messages: unknown[]; dispose(): void } {
  const messages: unknown[] = [];
  const descriptor = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage')!;
  Object.defineProperty(MessagePort.prototype, 'onmessage', {
    configurable: true,
    get() {
      return descriptor.get!.call(this);
    },
    set(handler: ((event: MessageEvent) => void) | null) {
      descriptor.set!.call(
        this,
        handler &&
          function (this: MessagePort, event: MessageEvent) {
            messages.push(event.data);
            handler.call(this, event);
          },
      );
    },
  });
  return { messages, dispose: () => Object.defineProperty(MessagePort.prototype, 'onmessage', descriptor) };
}

/**
 * `count` frames once the fake microphone's sine has started (its first buffers can be silent),
 * each with its samples copied on arrival (they are valid during delivery only), and whether each
 * was delivered in shared memory (a view into the ring) rather than in an array of its own.
 */
export async function toneFrames(
  frames$: Observable<DeviceFrame>,
  count: number,
): Promise<{ frames: DeviceFrame[]; shared: boolean[] }> {
  const all = await firstValueFrom(
    frames$.pipe(
      map((frame) => ({ frame: { ...frame, samples: frame.samples.slice() }, shared: isShared(frame.samples) })),
      take(count + 30),
      toArray(),
    ),
  );
  const start = all.findIndex(({ frame }) => measureLevel(frame.samples).peak > 0.1);
  expect(start, 'the sine arrived within 30 buffers').toBeGreaterThanOrEqual(0);
  const kept = all.slice(start + 1, start + 1 + count);
  return { frames: kept.map(({ frame }) => frame), shared: kept.map(({ shared }) => shared) };
}

/** Whether `samples` lives in a SharedArrayBuffer (there is none on a page that is not cross-origin isolated). */
export function isShared(samples: Float32Array): boolean {
  return typeof SharedArrayBuffer === 'function' && samples.buffer instanceof SharedArrayBuffer;
}

function channel(frames: DeviceFrame[], index: number): Float32Array {
  const { channels } = frames[0]!;
  const out = new Float32Array(frames.reduce((sum, frame) => sum + frame.frames, 0));
  let o = 0;
  for (const frame of frames) for (let i = index; i < frame.samples.length; i += channels) out[o++] = frame.samples[i]!;
  return out;
}

/** The fake microphone's sine on every channel, at its frequency and level, in buffers of the asked size with continuous times. */
export function expectTone(
  frames: DeviceFrame[],
  sampleRate: number,
  channels: number,
  framesPerBuffer: number,
  rmsFloor = 0.95, // 0.9 after Chromium resamples to 16 kHz, as capture.test.ts allows
): void {
  for (const frame of frames) {
    expect(frame.samples).toBeInstanceOf(Float32Array);
    expect(frame.samples).toHaveLength(framesPerBuffer * channels);
    expect(frame.sampleRate).toBe(sampleRate);
  }
  for (let i = 1; i < frames.length; i++) {
    expect(Math.round((frames[i]!.time - frames[i - 1]!.time) * sampleRate)).toBe(framesPerBuffer);
  }
  for (let c = 0; c < channels; c++) {
    const samples = channel(frames, c);
    expect(Math.abs(measureFrequency(samples, sampleRate) - FAKE_MICROPHONE.frequency)).toBeLessThan(
      FAKE_MICROPHONE.frequency * 0.01,
    );
    expect(measureLevel(samples).rms).toBeGreaterThan(FAKE_MICROPHONE.rms * rmsFloor);
    expect(measureLevel(samples).rms).toBeLessThan(FAKE_MICROPHONE.rms * 1.05);
  }
}
