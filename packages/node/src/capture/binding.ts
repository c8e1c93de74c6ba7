import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One input device as PortAudio reports it. */
export interface NativeDevice {
  index: number;
  name: string;
  hostApi: string;
  maxInputChannels: number;
  defaultSampleRate: number;
  defaultLowInputLatency: number;
  defaultHighInputLatency: number;
  isDefault: boolean;
}

export interface NativeStreamOptions {
  device: number;
  /** ALSA only: a device string (`pulse:DEVICE=<source>`) opened instead of `device`. */
  deviceString?: string;
  channels: number;
  sampleRate: number;
  framesPerBuffer: number;
  /** Suggested input latency, seconds. */
  latency: number;
  /** Ring capacity in frames; audio beyond it is dropped and counted. */
  ringFrames: number;
}

export interface NativeStreamStats {
  /** Frames dropped because the ring was full (JS did not drain in time). */
  framesLost: number;
  /** Callbacks PortAudio flagged paInputOverflow (the host dropped input before us). */
  inputOverflows: number;
  callbacks: number;
  framesDelivered: number;
  /** Times the JS thread woke to deliver (one wake hands out every buffer queued by then). */
  wakes: number;
  /** CLOCK_MONOTONIC seconds of PortAudio's first callback; 0 before it. */
  firstCallbackTime: number;
  active: boolean;
}

/**
 * `samples`: one Float32Array the stream reuses for every buffer, valid only during the call (copy
 * to keep). `time`: the buffer's first frame's ADC time, seconds on CLOCK_MONOTONIC (process.hrtime's clock).
 */
export type NativeOnData = (samples: Float32Array, time: number, framesLost: number) => void;
export type NativeOnEnd = (reason: 'stopped', message: string) => void;

/**
 * One device stream. `start()` and `close()` run on the addon's PortAudio thread (they can wait on
 * the sound server) and settle when done; they may never settle when the sound server hangs, so
 * callers bound them with a timeout. No onData/onEnd call happens after `close()` is called.
 */
export interface NativeCaptureStream {
  start(): Promise<{ inputLatency: number; sampleRate: number }>;
  close(): Promise<void>;
  stats(): NativeStreamStats;
}

/** A PortAudio failure as the addon throws it. */
export interface NativePortAudioError extends Error {
  paErrorCode: number;
  paErrorName: string;
  hostErrorCode: number;
  hostErrorText: string;
}

export interface CaptureBinding {
  CaptureStream: new (options: NativeStreamOptions, onData: NativeOnData, onEnd: NativeOnEnd) => NativeCaptureStream;
  /** `refresh`: restart PortAudio to see devices added or removed since (only while no stream is open). On the PortAudio thread. */
  listDevices(refresh: boolean): Promise<NativeDevice[]>;
  /** Streams started and not yet closed (including those whose close is still running). */
  openStreamCount(): number;
  portAudioVersion(): string;
}

let binding: CaptureBinding | undefined;

/**
 * The addon, loaded on first use so that importing the package never needs it. node-gyp-build picks
 * a local build (build/Release) if there is one, else the prebuilt addon for this platform
 * (prebuilds/linux-x64/…glibc.node, PortAudio linked in).
 */
export function loadBinding(): CaptureBinding {
  if (binding) return binding;
  const require = createRequire(import.meta.url);
  const packageDir = findPackageDir(dirname(fileURLToPath(import.meta.url)));
  let path: string;
  try {
    path = (require('node-gyp-build') as { path(dir: string): string }).path(packageDir);
  } catch {
    throw new Error(
      '@micgate/node: the capture addon is not built and no prebuilt addon fits this platform (prebuilt: linux-x64, glibc). Build it with `npm rebuild @micgate/node` ' +
        '(needs a C++ compiler, make, python3, pkg-config and PortAudio: on Debian/Ubuntu `apt-get install portaudio19-dev pkg-config g++ make python3`). ' +
        'With pnpm, allow its install script: `pnpm approve-builds` or "@micgate/node" in onlyBuiltDependencies.',
    );
  }
  binding = require(path) as CaptureBinding;
  return binding;
}

/** The package folder holds binding.gyp: look upward from this module (src/capture or dist). */
function findPackageDir(from: string): string {
  for (let dir = from, parent = dirname(dir); ; dir = parent, parent = dirname(dir)) {
    if (existsSync(join(dir, 'binding.gyp'))) return dir;
    if (parent === dir) return from;
  }
}
