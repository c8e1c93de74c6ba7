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
  active: boolean;
}

/** `time`: the buffer's first frame's ADC time, seconds on CLOCK_MONOTONIC (process.hrtime's clock). */
export type NativeOnData = (samples: Float32Array, time: number, framesLost: number) => void;
export type NativeOnEnd = (reason: 'stopped', message: string) => void;

export interface NativeCaptureStream {
  start(): { inputLatency: number; sampleRate: number };
  close(): void;
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
  /** `refresh`: restart PortAudio to see devices added or removed since (only while no stream is open). */
  listDevices(refresh: boolean): NativeDevice[];
  openStreamCount(): number;
  portAudioVersion(): string;
}

const ADDON = join('build', 'Release', 'micgate_capture.node');
let binding: CaptureBinding | undefined;

/** The addon, loaded on first use so that importing the package never needs it. */
export function loadBinding(): CaptureBinding {
  if (binding) return binding;
  const path = findAddon(dirname(fileURLToPath(import.meta.url)));
  if (!path) {
    throw new Error(
      `@micgate/node: the capture addon (${ADDON}) is not built. Build it with \`npm rebuild @micgate/node\` (needs a C++ compiler, pkg-config and PortAudio's headers: apt-get install portaudio19-dev)`,
    );
  }
  binding = createRequire(import.meta.url)(path) as CaptureBinding;
  return binding;
}

/** The package folder holds binding.gyp and, once built, the addon: look upward from this module (src/capture or dist). */
function findAddon(from: string): string | undefined {
  for (let dir = from, parent = dirname(dir); ; dir = parent, parent = dirname(dir)) {
    if (existsSync(join(dir, 'binding.gyp'))) {
      const path = join(dir, ADDON);
      return existsSync(path) ? path : undefined;
    }
    if (parent === dir) return undefined;
  }
}
