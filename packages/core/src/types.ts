import type { Observable, SchedulerLike } from 'rxjs';

/** Apple's three answers to "may this app record?". */
export type RecordPermission = 'undetermined' | 'denied' | 'granted';

export interface AudioFormat {
  /** Frames per second, 8,000–384,000. */
  sampleRate: number;
  /** Interleaved channels, 1–32. */
  channels: number;
  /** Frames in each delivered buffer, 16–16,384. */
  framesPerBuffer: number;
}

export interface AudioFrame {
  /**
   * Interleaved samples, `frames * channels` long. Gated frames share one zeroed buffer, zeroed again
   * before each subscriber's delivery: read, don't keep. Device samples are shared by every subscriber.
   * The frame object itself is frozen.
   */
  samples: Float32Array;
  frames: number;
  sampleRate: number;
  channels: number;
  /** Index of this buffer's first frame since the recording began; no gaps, no overlaps. */
  position: number;
  /** Capture time in seconds on the adapter's clock (the session scheduler's clock for gated frames). */
  time: number;
  /** True: zeros the session made (permission, mute, device start-up, a lost device), not device audio. */
  gated: boolean;
  /**
   * Why this frame is silent. Always set on a gated frame; on a device frame only 'device-silent'
   * (the device's own exact zeros for a second and more); undefined while device audio flows.
   */
  silence: SilenceReason | undefined;
}

/**
 * Why the app hears zeros. Gated (the session's zeros): 'not-asked' (undetermined, no prompt open),
 * 'prompt-open', 'denied', 'muted' (`setInputMuted(true)`), 'device-starting' (granted, no device
 * buffer yet), 'needs-user-gesture' (the platform holds audio until the user interacts: browser),
 * 'device-lost' (the device went away: a recording waiting for it with `onDeviceLost: 'wait'`, or
 * session state after one ended with 'end'). Not gated:
 * 'device-silent' (the device delivers exact digital zeros: an OS privacy block, a mute switch, a wrong input).
 */
export type SilenceReason =
  | 'not-asked'
  | 'prompt-open'
  | 'denied'
  | 'muted'
  | 'device-starting'
  | 'needs-user-gesture'
  | 'device-lost'
  | 'device-silent';

/** A frame as an adapter produces it; the session assigns `position`, `gated` and `silence`. */
export type DeviceFrame = Omit<AudioFrame, 'position' | 'gated' | 'silence'>;

/** Whether an adapter's capture delivers audio; 'needs-user-gesture' while the platform holds it back. */
export type AdapterCaptureState = 'idle' | 'starting' | 'running' | 'needs-user-gesture';

export interface AudioInputDevice {
  id: string;
  /** undefined while the platform hides names until the microphone is granted (browser). Never ''. */
  name: string | undefined;
  isDefault: boolean;
  maxChannels?: number;
  defaultSampleRate?: number;
}

/** What the platform prompt is asked to show. */
export interface PromptRequest {
  /** The purpose string (Apple's NSMicrophoneUsageDescription). */
  usageDescription: string;
  /** The app's display name, where the platform shows one. */
  appName?: string;
}

/**
 * What an adapter can do: its manifest. A flag is true exactly when the matching method exists,
 * and the conformance suite reads it to decide which tests run (and checks that it tells the truth).
 */
export interface AdapterSupports {
  /** `changes()` exists and reports decisions made outside the app (platform settings). */
  changes: boolean;
  /** `devices()` exists and lists input devices. */
  devices: boolean;
  /** deviceChanges() exists: the inputs now, then every change (plug, unplug, new default). */
  deviceChanges: boolean;
}

/** Which input one capture opens. */
export interface CaptureRequest {
  /** The input's id as devices() lists it; undefined = follow the system default. */
  device?: string;
}

/**
 * The plugin interface a platform implements. Small on purpose: the session does the rest
 * (remembering, the silence gate, validation). The app owns the adapter: several sessions may share
 * one, `session.close()` leaves it open, and `close()` (where present) is the app's to call.
 */
export interface RecordPermissionAdapter {
  /** The adapter's name: 'mock', 'browser', 'node', 'electron', or a third party's. */
  readonly name: string;
  readonly supports: AdapterSupports;
  /** The remembered decision. Never prompts. */
  status(): Promise<RecordPermission>;
  /**
   * Show one platform prompt and resolve with the user's answer: 'granted', 'denied', or
   * 'undetermined' when the user dismissed it without deciding. The adapter remembers a decision.
   * Concurrent calls (from any session on this adapter) share the one open prompt and its answer.
   */
  prompt(request: PromptRequest): Promise<RecordPermission>;
  /** Decisions made outside the app ("Settings"). Present exactly when `supports.changes`. */
  changes?(): Observable<RecordPermission>;
  /**
   * Subscribing opens the device; unsubscribing closes it. Buffers are exactly `format.framesPerBuffer`
   * frames, delivered at the real-time pace, each `time` one buffer's duration after the one before.
   * Errors `DeviceNotFoundError` before opening anything when `request.device` is not an input now;
   * errors `DeviceLostError` when the open device goes away.
   */
  capture(format: AudioFormat, request?: CaptureRequest): Observable<DeviceFrame>;
  /** The input devices. Present exactly when `supports.devices`. */
  devices?(): Promise<AudioInputDevice[]>;
  /** The inputs now, then every change (plug, unplug, new default). Present exactly when `supports.deviceChanges`. */
  deviceChanges?(): Observable<readonly AudioInputDevice[]>;
  /** Release everything: an open prompt resolves 'undetermined'; watchers and timers stop. */
  close?(): void;
  /**
   * Optional: the capture state, then every change. A session reads it (if present) to give
   * silence the reason 'needs-user-gesture'. The browser and Electron adapters have it.
   */
  readonly captureState$?: Observable<AdapterCaptureState>;
}

/** What a recording captures: the format (each field defaulted), which input, and what a lost input does. */
export interface RecordOptions extends Partial<AudioFormat> {
  /** An input's id or name (id first, then exact name). Default: follow the system default. */
  device?: string;
  /** Device went away: 'wait' (default) = gated zeros with silence 'device-lost', positions run on,
   *  reopened when it (or, following the default, the new default) is back; 'end' = DeviceLostError. */
  onDeviceLost?: 'wait' | 'end';
}

export type RecordPermissionResponse = (granted: boolean, error?: Error) => void;

export interface RequestOptions {
  /** Abandon waiting: the promise rejects with an AbortError; the prompt still records the answer. */
  signal?: AbortSignal;
}

/** What apps use; identical on every platform. */
export interface AudioSession {
  /** Synchronous snapshot; 'undetermined' until the adapter's first status has been read. */
  readonly recordPermission: RecordPermission;
  /** The current value (once known), then every change. */
  readonly recordPermission$: Observable<RecordPermission>;
  /**
   * Ask once. Returns at once; `response` runs exactly once, never synchronously, with the
   * remembered answer or, if undetermined, the prompt's answer. On a platform failure it gets
   * `false` and the error.
   */
  requestRecordPermission(response: RecordPermissionResponse): void;
  requestRecordPermission(options?: RequestOptions): Promise<boolean>;
  /**
   * A shared, real-time stream of frames: silence (`gated: true`, all zeros) until permission is
   * granted, then the device's audio. Subscribing while undetermined asks the user.
   * Throws `InvalidArgumentError` (naming the field) at once for a bad format, `device` or `onDeviceLost`.
   * `device` is resolved (id, then exact name) when the device is about to open: none matches,
   * `DeviceNotFoundError` before anything opens. Recordings with the same options share one stream.
   */
  record(options?: RecordOptions): Observable<AudioFrame>;
  /** The inputs now, then every change (one list then complete when the adapter only has devices()). */
  readonly devices$: Observable<readonly AudioInputDevice[]>;
  /**
   * Why the app hears zeros now: the `silence` of the latest frame of any recording, or with no
   * recording running the reason one would start with (permission, prompt, mute; 'device-lost'
   * after a recording failed on a lost device, or was left while waiting for one). Undefined while device audio flows (or could).
   */
  readonly silence: SilenceReason | undefined;
  /** The current reason, then every change. */
  readonly silence$: Observable<SilenceReason | undefined>;
  /**
   * Input mute, as AVAudioApplication's: muted, recordings deliver gated zeros (reason 'muted')
   * from the next buffer on while the device stays open; unmuted, device audio from the next buffer.
   */
  setInputMuted(muted: boolean): void;
  readonly inputMuted: boolean;
  /** The current mute state, then every change. */
  readonly inputMuted$: Observable<boolean>;
  /** Ends every recording, releases the device and every listener. Leaves the adapter open (the app owns it). */
  close(): void;
}

export interface AudioSessionOptions {
  adapter: RecordPermissionAdapter;
  /** The purpose string shown in the prompt; missing or blank fails the first request or recording. */
  usageDescription: string;
  /** The app's name for the prompt, where the platform shows one. */
  appName?: string;
  /** Clock for silence pacing; virtual time in tests. Defaults to rxjs `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /**
   * Receives errors no caller can catch: exceptions thrown by the app's response callbacks and by
   * observers subscribed directly to record(), a recording's error when its observer has no error
   * handler, and failures of the adapter's status() read or changes() stream. Defaults to `console.error`.
   */
  onError?: (error: unknown) => void;
}
