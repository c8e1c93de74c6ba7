export interface RigOptions {
  /** Sine frequency at start, Hz (default 440). */
  frequency?: number;
  /** Sine amplitude at start, 0–1 (default 0.5). */
  amplitude?: number;
  /** The virtual microphone's rate (default 48000); it is mono. */
  sampleRate?: number;
  /** A folder to use instead of a fresh temporary one. */
  dir?: string;
  /** Extra wait once PulseAudio plays the feeder's stream (default 300 ms). */
  settleMs?: number;
}

export interface RigSignal {
  frequency: number;
  amplitude: number;
  /** RMS a capture will measure: amplitude / √2. */
  rms: number;
}

export interface AudioRig {
  readonly dir: string;
  /** Set these in every process that captures: PULSE_SERVER and ALSA_CONFIG_PATH. */
  readonly env: { PULSE_SERVER: string; ALSA_CONFIG_PATH: string };
  readonly pulseServer: string;
  readonly sampleRate: number;
  /** Change the sine (phase-continuous); resolves once the new signal has reached the source. */
  setSine(frequency: number, amplitude?: number): Promise<RigSignal>;
  status(): Promise<{
    ok: boolean;
    frequency: number;
    amplitude: number;
    playing: boolean;
    writtenSeconds: number;
    playedSeconds: number;
    restarts: number;
    /** The keeper stream (see KEEPER_NAME) is open on the microphone. */
    keeping: boolean;
    pid: number;
  }>;
  /** Remove the virtual microphone (unload its sink): open captures lose their device. */
  unplug(): Promise<void>;
  /** Bring the virtual microphone back as the default source. */
  replug(): Promise<void>;
  /** Stop the sound server with SIGSTOP: its socket stays, nothing answers (a hung daemon). Always `thaw()` after. */
  freeze(): Promise<void>;
  /** Resume a frozen sound server (SIGCONT). */
  thaw(): Promise<void>;
  /**
   * Plug in a second microphone while everything runs: a PulseAudio sine source named `name`
   * (letters, digits, `_ . -`), its own tone (default 1000 Hz, amplitude 0.5), described as
   * `description` (default `name`). Not the default source. Resolves once PulseAudio lists it.
   */
  addSource(name: string, options?: { frequency?: number; description?: string }): Promise<void>;
  /** Unplug a source added with `addSource` (open captures on it lose their device). */
  removeSource(name: string): Promise<void>;
  /** The names of PulseAudio's sources now (`vmic.monitor` while plugged in, and each added one). */
  sources(): Promise<string[]>;
  /** Capture streams PulseAudio has open on its sources right now, the rig's own keeper stream left out. */
  sourceOutputs(): Promise<number>;
  /** Stop the feeder and the daemon and remove the folder. */
  stop(): Promise<void>;
}

export const ALSA_CONFIG: string;
/**
 * The client and stream name of the rig's keeper: a 10 ms capture held open on the microphone while
 * the rig runs, so that it answers a new capture within that capture's latency (README).
 */
export const KEEPER_NAME: string;
export function startRig(options?: RigOptions): Promise<AudioRig>;
export function attachRig(dir: string): AudioRig;
export function stopRig(dir: string): Promise<void>;
