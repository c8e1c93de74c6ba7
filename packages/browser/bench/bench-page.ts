// Runs in Chromium: records through a real AudioSession on the browser adapter and, at the same
// time, through a bare AudioWorklet that posts the same buffers to the main thread with no micgate
// (the baseline), and measures delivery. Both subjects hand each buffer to the same bookkeeping.
import { type AudioFrame, createAudioSession } from '@micgate/core';
import { createBrowserAdapter } from '../src/index.js';

export type Subject = 'micgate' | 'baseline';

export interface BenchResult {
  subject: Subject;
  /** Whether the page is cross-origin isolated (micgate then captures through its SharedArrayBuffer ring). */
  isolated: boolean;
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
  /**
   * One delivery's mean main-thread time without the slowest 5%: the typical cost, which a thread
   * preempted now and then by other processes (a loaded machine) moves less than the total. (A
   * median would not do: outside cross-origin isolation the clock has 100 us steps.)
   */
  trimmedDeliveryMs: number;
  contextSampleRate: number;
  baseLatencyMs: number;
}

/** Main-thread time in each subject's MessagePort handler; the baseline's port is known, any other is micgate's. */
const spent = {
  micgate: { ms: 0, maxMs: 0, each: [] as number[] },
  baseline: { ms: 0, maxMs: 0, each: [] as number[] },
};
let baselinePort: MessagePort | undefined;
let baselineContext: AudioContext | undefined;

// Time every MessagePort handler: the two capture worklets' ports are the only ones on this page.
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
          const ms = performance.now() - start;
          const total = spent[this === baselinePort ? 'baseline' : 'micgate'];
          total.ms += ms;
          total.each.push(ms);
          if (ms > total.maxMs) total.maxMs = ms;
        }
      };
    onmessage.set!.call(this, timed);
  },
});

/**
 * The baseline's processor: batches render quanta into buffers of `framesPerBuffer` (mono) and
 * transfers each with its first frame, a fresh buffer per post. Shipped as source text.
 */
function defineBaselineProcessor(scope: {
  AudioWorkletProcessor: new () => { readonly port: MessagePort };
  registerProcessor(name: string, processor: unknown): void;
  readonly currentFrame: number;
}): void {
  class BaselineProcessor extends scope.AudioWorkletProcessor {
    private readonly framesPerBuffer: number;
    private batch: Float32Array;
    private filled = 0;
    private startFrame = 0;
    constructor(options: { processorOptions: { framesPerBuffer: number } }) {
      super();
      this.framesPerBuffer = options.processorOptions.framesPerBuffer;
      this.batch = new Float32Array(this.framesPerBuffer);
    }
    process(inputs: Float32Array[][]): boolean {
      const data = inputs[0]?.[0];
      if (data === undefined) return true;
      let offset = 0;
      while (offset < data.length) {
        if (this.filled === 0) this.startFrame = scope.currentFrame + offset;
        const take = Math.min(data.length - offset, this.framesPerBuffer - this.filled);
        this.batch.set(data.subarray(offset, offset + take), this.filled);
        this.filled += take;
        offset += take;
        if (this.filled === this.framesPerBuffer) {
          this.port.postMessage({ samples: this.batch, startFrame: this.startFrame }, [this.batch.buffer]);
          this.batch = new Float32Array(this.framesPerBuffer);
          this.filled = 0;
        }
      }
      return true;
    }
  }
  scope.registerProcessor('bench-baseline', BaselineProcessor);
}

/** Opens the subject; it calls `deliver` with each buffer's samples and capture time (s); the result closes it. */
type Open = (
  deliver: (samples: Float32Array, time: number, position?: number, gated?: boolean) => void,
) => Promise<() => void>;

function openMicgate(latencyHint: AudioContextLatencyCategory, sampleRate: number, framesPerBuffer: number): Open {
  return async (deliver) => {
    const adapter = createBrowserAdapter({ latencyHint });
    const session = createAudioSession({ adapter, usageDescription: 'micgate benchmark' });
    if ((await adapter.status()) !== 'granted') throw new Error('grant the microphone before running the benchmark');
    const subscription = session
      .record({ sampleRate, channels: 1, framesPerBuffer })
      .subscribe((frame: AudioFrame) => deliver(frame.samples, frame.time, frame.position, frame.gated));
    return () => {
      subscription.unsubscribe();
      session.close();
    };
  };
}

function openBaseline(latencyHint: AudioContextLatencyCategory, sampleRate: number, framesPerBuffer: number): Open {
  return async (deliver) => {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 },
    });
    const context = new AudioContext({ sampleRate, latencyHint });
    baselineContext = context;
    const source = `(${defineBaselineProcessor.toString()})(globalThis);\n`;
    await context.audioWorklet.addModule(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    const node = new AudioWorkletNode(context, 'bench-baseline', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: 'explicit',
      processorOptions: { framesPerBuffer },
    });
    const rate = context.sampleRate;
    baselinePort = node.port;
    node.port.onmessage = (event: MessageEvent<{ samples: Float32Array; startFrame: number }>) =>
      deliver(event.data.samples, event.data.startFrame / rate);
    context.createMediaStreamSource(stream).connect(node);
    await context.resume();
    return () => {
      node.port.onmessage = null;
      for (const track of stream.getTracks()) track.stop();
      void context.close();
    };
  };
}

/** One subject's deliveries, counted from its first device buffer. */
class Tracker {
  readonly arrivals: number[] = [];
  readonly deviceTimes: number[] = [];
  gatedBuffers = 0;
  positionGaps = 0;
  private nextPosition = 0;
  /** Main-thread time at the first device buffer, and at the last counted one. */
  spentAtStart = 0;
  spentMs = 0;
  /** The counted deliveries' entries in `spent[subject].each`. */
  countedFrom = 0;
  countedTo = 0;
  maxMs = 0;
  stopAt = Number.POSITIVE_INFINITY;
  done = false;

  constructor(
    readonly subject: Subject,
    private readonly seconds: number,
    private readonly framesPerBuffer: number,
    private readonly finished: () => void,
  ) {}

  /** The bookkeeping both subjects do for each buffer, inside the timed message handler. */
  readonly deliver = (_samples: Float32Array, time: number, position?: number, gated?: boolean) => {
    if (this.done) return;
    if (position !== undefined) {
      if (position !== this.nextPosition) this.positionGaps++;
      this.nextPosition = position + this.framesPerBuffer;
    }
    if (gated) {
      this.gatedBuffers++;
      return;
    }
    const now = performance.now();
    const total = spent[this.subject];
    if (this.arrivals.length === 0) {
      this.spentAtStart = total.ms; // count from the first device buffer, like the time
      this.countedFrom = total.each.length;
      total.maxMs = 0;
      this.stopAt = now + this.seconds * 1000;
    }
    this.arrivals.push(now);
    this.deviceTimes.push(time);
    this.spentMs = total.ms - this.spentAtStart;
    this.countedTo = total.each.length;
    this.maxMs = total.maxMs;
    if (now >= this.stopAt) {
      this.done = true;
      this.finished();
    }
  };
}

/**
 * micgate and the baseline at once, each on its own AudioContext and microphone stream, so load
 * from elsewhere on the machine falls on both alike; each for `seconds` from its first device buffer.
 */
async function runBench(
  seconds: number,
  latencyHint: AudioContextLatencyCategory = 'playback',
  sampleRate = 48_000,
  framesPerBuffer = 1024,
): Promise<BenchResult[]> {
  const contexts: AudioContext[] = [];
  // Reach the captures' AudioContexts for their reported rate and latency.
  const originalContext = globalThis.AudioContext;
  globalThis.AudioContext = class extends originalContext {
    constructor(options?: AudioContextOptions) {
      super(options);
      contexts.push(this);
    }
  };
  spent.micgate = { ms: 0, maxMs: 0, each: [] };
  spent.baseline = { ms: 0, maxMs: 0, each: [] };
  const closers: (() => void)[] = [];
  const trackers: Tracker[] = [];
  await new Promise<void>((resolve, reject) => {
    const finished = () => {
      if (trackers.every((tracker) => tracker.done)) resolve();
    };
    for (const subject of ['micgate', 'baseline'] as const) {
      const tracker = new Tracker(subject, seconds, framesPerBuffer, finished);
      trackers.push(tracker);
      const open = subject === 'micgate' ? openMicgate : openBaseline;
      open(latencyHint, sampleRate, framesPerBuffer)(tracker.deliver).then((close) => closers.push(close), reject);
    }
  });
  for (const close of closers) close();
  globalThis.AudioContext = originalContext;
  baselinePort = undefined;
  return trackers.map((tracker) => summary(tracker, latencyHint, sampleRate, framesPerBuffer, contexts));
}

function summary(
  tracker: Tracker,
  latencyHint: string,
  sampleRate: number,
  framesPerBuffer: number,
  contexts: AudioContext[],
): BenchResult {
  const { arrivals, deviceTimes } = tracker;
  const bufferMs = (framesPerBuffer / sampleRate) * 1000;
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
  const context =
    tracker.subject === 'baseline' ? baselineContext : contexts.find((other) => other !== baselineContext);
  return {
    subject: tracker.subject,
    isolated: globalThis.crossOriginIsolated === true,
    seconds: elapsedSeconds,
    latencyHint,
    sampleRate,
    framesPerBuffer,
    expectedBuffers: Math.round((elapsedSeconds * sampleRate) / framesPerBuffer) + 1,
    deviceBuffers: arrivals.length,
    gatedBuffers: tracker.gatedBuffers,
    droppedBuffers,
    positionGaps: tracker.positionGaps,
    lateBuffers: lateness.filter((ms) => ms > bufferMs).length,
    maxLatenessMs: lateness.at(-1)!,
    p99LatenessMs: lateness[Math.floor(lateness.length * 0.99)]!,
    deliveryMsPerSecond: tracker.spentMs / elapsedSeconds,
    maxDeliveryMs: tracker.maxMs,
    trimmedDeliveryMs: trimmedMean(spent[tracker.subject].each.slice(tracker.countedFrom, tracker.countedTo)),
    contextSampleRate: context?.sampleRate ?? Number.NaN,
    baseLatencyMs: (context?.baseLatency ?? Number.NaN) * 1000,
  };
}

/** The mean of the fastest 95% of `values`. */
function trimmedMean(values: number[]): number {
  const kept = [...values].sort((a, b) => a - b).slice(0, Math.ceil(values.length * 0.95));
  return kept.reduce((sum, value) => sum + value, 0) / kept.length;
}

(globalThis as { runBench?: typeof runBench }).runBench = runBench;
document.body.dataset.ready = 'true';
