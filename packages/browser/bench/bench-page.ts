// Runs in Chromium: records through a real AudioSession on the browser adapter and measures delivery.
import { type AudioFrame, createAudioSession } from '@micgate/core';
import { createBrowserAdapter } from '../src/index.js';

export interface BenchResult {
  seconds: number;
  latencyHint: string;
  sampleRate: number;
  framesPerBuffer: number;
  /** Buffers expected for the time that passed since the first device buffer. */
  expectedBuffers: number;
  deviceBuffers: number;
  gatedBuffers: number;
  /** Buffers missing between device buffers (capture times not continuous). */
  droppedBuffers: number;
  /** Session positions that were not continuous. */
  positionGaps: number;
  /** Buffers delivered more than one buffer period behind the steady pace. */
  lateBuffers: number;
  maxLatenessMs: number;
  p99LatenessMs: number;
  /** Main-thread time spent delivering buffers (message handler through every subscriber). */
  deliveryMsPerSecond: number;
  maxDeliveryMs: number;
  contextSampleRate: number;
  baseLatencyMs: number;
}

let deliveryMs = 0;
let maxDeliveryMs = 0;

// Time every MessagePort handler: the capture worklet's port is the only one on this page.
const onmessage = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage')!;
Object.defineProperty(MessagePort.prototype, 'onmessage', {
  configurable: true,
  get() {
    return onmessage.get!.call(this);
  },
  set(handler: ((event: MessageEvent) => void) | null) {
    const timed =
      handler &&
      function (this: MessagePort, event: MessageEvent) {
        const start = performance.now();
        try {
          handler.call(this, event);
        } finally {
          const spent = performance.now() - start;
          deliveryMs += spent;
          if (spent > maxDeliveryMs) maxDeliveryMs = spent;
        }
      };
    onmessage.set!.call(this, timed);
  },
});

async function runBench(
  seconds: number,
  latencyHint: AudioContextLatencyCategory = 'playback',
  sampleRate = 48_000,
  framesPerBuffer = 1024,
): Promise<BenchResult> {
  let context: AudioContext | undefined;
  const adapter = createBrowserAdapter({ latencyHint });
  const session = createAudioSession({ adapter, usageDescription: 'micgate benchmark' });
  if ((await adapter.status()) !== 'granted') throw new Error('grant the microphone before running the benchmark');

  const arrivals: number[] = [];
  const deviceTimes: number[] = [];
  let gatedBuffers = 0;
  let positionGaps = 0;
  let nextPosition = 0;
  let firstDeviceAt = -1;
  const bufferMs = (framesPerBuffer / sampleRate) * 1000;

  // Reach the capture's AudioContext for its reported rate and latency.
  const originalContext = globalThis.AudioContext;
  globalThis.AudioContext = class extends originalContext {
    constructor(options?: AudioContextOptions) {
      super(options);
      context = this;
    }
  };

  await new Promise<void>((resolve, reject) => {
    let stopAt = Number.POSITIVE_INFINITY;
    const subscription = session.record({ sampleRate, channels: 1, framesPerBuffer }).subscribe({
      next: (frame: AudioFrame) => {
        if (frame.position !== nextPosition) positionGaps++;
        nextPosition = frame.position + frame.frames;
        if (frame.gated) {
          gatedBuffers++;
          return;
        }
        const now = performance.now();
        if (firstDeviceAt < 0) {
          firstDeviceAt = now;
          deliveryMs = 0; // count from the first device buffer, like the time
          maxDeliveryMs = 0;
          stopAt = now + seconds * 1000;
        }
        arrivals.push(now);
        deviceTimes.push(frame.time);
        if (now >= stopAt) {
          subscription.unsubscribe();
          resolve();
        }
      },
      error: reject,
    });
  });
  session.close();
  globalThis.AudioContext = originalContext;

  let droppedBuffers = 0;
  for (let i = 1; i < deviceTimes.length; i++) {
    const step = Math.round(((deviceTimes[i]! - deviceTimes[i - 1]!) * sampleRate) / framesPerBuffer);
    if (step !== 1) droppedBuffers += Math.max(0, step - 1);
  }
  // Lateness against the steady pace: buffer k is due at first + k periods (best offset seen).
  const offsets = arrivals.map((at, k) => at - k * bufferMs);
  const baseline = Math.min(...offsets);
  const lateness = offsets.map((offset) => offset - baseline).sort((a, b) => a - b);
  const elapsedSeconds = (arrivals.at(-1)! - arrivals[0]!) / 1000;
  return {
    seconds: elapsedSeconds,
    latencyHint,
    sampleRate,
    framesPerBuffer,
    expectedBuffers: Math.round((elapsedSeconds * sampleRate) / framesPerBuffer) + 1,
    deviceBuffers: arrivals.length,
    gatedBuffers,
    droppedBuffers,
    positionGaps,
    lateBuffers: lateness.filter((ms) => ms > bufferMs).length,
    maxLatenessMs: lateness.at(-1)!,
    p99LatenessMs: lateness[Math.floor(lateness.length * 0.99)]!,
    deliveryMsPerSecond: deliveryMs / elapsedSeconds,
    maxDeliveryMs,
    contextSampleRate: context?.sampleRate ?? Number.NaN,
    baseLatencyMs: (context?.baseLatency ?? Number.NaN) * 1000,
  };
}

(globalThis as { runBench?: typeof runBench }).runBench = runBench;
document.body.dataset.ready = 'true';
