import type { AudioFormat, RecordPermission, RecordPermissionAdapter } from '@micgate/core';
import type { SchedulerLike } from 'rxjs';

/** How the played user answers a prompt: Allow, Don't Allow, or close it without deciding. */
export type PromptAnswer = 'grant' | 'deny' | 'dismiss';

/** Plays the user: answers prompts and changes the decision "in Settings". */
export interface UserDriver {
  /**
   * Answer the next prompt that opens, `delayMs` (harness clock) after it opened (default 0).
   * Several calls queue answers for successive prompts. A prompt with no queued answer stays open.
   */
  answerNextPrompt(answer: PromptAnswer, options?: { delayMs?: number }): Promise<void>;
  /** The purpose strings of every prompt shown so far, oldest first. */
  prompts(): Promise<string[]>;
  /** A decision made outside the app (platform settings or `micgate grant|deny|reset`). */
  setDecisionOutsideApp(decision: RecordPermission): Promise<void>;
}

export interface PlayedSignal {
  /** Frequency the device will capture, Hz. */
  frequency: number;
  /** RMS level the device will capture (a sine of amplitude A has RMS A/√2). */
  rms: number;
}

export type DeviceFault = 'notFound' | 'busy' | 'lost';

/** Controls the input device behind the adapter. */
export interface DeviceDriver {
  /** Make the input carry a sine; resolves with what a capture should measure. */
  playSine(frequency: number): Promise<PlayedSignal>;
  /** Whether the adapter holds the device open right now. */
  isOpen(): Promise<boolean>;
  /** How many times the device has been opened since the harness was made. Only with `can.observeDeviceOpen`. */
  opens?(): Promise<number>;
  /**
   * Make the input deliver exact digital zeros (an OS privacy block, a hardware mute switch), from
   * about now on. Optional: a rig that cannot leaves it out.
   */
  playSilence?(): Promise<void>;
  /** Make the input carry a very quiet signal that is not exact zeros (−60 dBFS or lower). Only with `playSilence`. */
  playQuiet?(): Promise<void>;
  /** Make the next open fail ('notFound', 'busy') or an open stream die ('lost'). Only faults in `can.faults`. */
  injectFault?(fault: DeviceFault): Promise<void>;
  /**
   * Unplug the input the adapter opens by default: it leaves the device list, an open stream of it
   * fails with DeviceLostError, opening it fails. Only together with `replug`; a rig that cannot
   * stage it leaves both out (and says why in `reasons.unplug`). The harness replugs it at dispose.
   */
  unplug?(): Promise<void>;
  /** Plug the unplugged input back in, carrying the signal it carried before. */
  replug?(): Promise<void>;
  /**
   * Add a second input while the adapter runs, carrying a sine other than the first input's;
   * resolves with what it plays. Only together with `removeDevice`. The harness removes it at dispose.
   */
  addDevice?(): Promise<PlayedSignal>;
  /** Remove the input `addDevice` added. */
  removeDevice?(): Promise<void>;
}

/** Real or virtual time, as the adapter runs on. */
export interface HarnessClock {
  now(): number;
  /** Let `ms` of time pass (virtual: run everything due; real: wait). */
  advance(ms: number): Promise<void>;
}

/**
 * What the test rig can stage. What the adapter can do is the adapter's own `supports`; this is
 * only about the rig around it. The suite reports what it did not run and why.
 */
export interface HarnessCan {
  /** The played user can close a prompt without deciding. */
  dismiss: boolean;
  /** Faults the device driver can inject. */
  faults: Record<DeviceFault, boolean>;
  /** `device.opens()` counts every open of the device, so an open before the grant is seen. */
  observeDeviceOpen: boolean;
}

/** Something a rig may be unable to stage; `reasons` says why, per item. */
export type RigAbility = 'dismiss' | DeviceFault | 'observeDeviceOpen' | 'playSilence' | 'unplug' | 'addDevice';

/** Tolerances of the real-time checks: properties of the rig (its scheduling, its device), not capabilities. */
export interface HarnessTiming {
  /** Extra milliseconds real-time assertions allow (scheduling jitter, device start-up). Default 0 (virtual time). */
  slackMs?: number;
  /**
   * How far a device buffer's `time` may stray from the previous buffer's time plus its duration,
   * in milliseconds. Default: a quarter of a buffer (a dropped or repeated buffer strays by a whole one).
   */
  timeToleranceMs?: number;
  /** Relative error allowed between delivered audio and the wall clock, measured over 2 s and more. Default 0.1. */
  rateTolerance?: number;
}

export interface ConformanceHarness {
  adapter: RecordPermissionAdapter;
  user: UserDriver;
  device: DeviceDriver;
  clock: HarnessClock;
  /** What the rig can stage. */
  can: HarnessCan;
  /** Why the rig cannot stage what `can` declares false; printed with the tests it did not run. */
  reasons?: Partial<Record<RigAbility, string>>;
  /** Tolerances of the real-time checks; leave out on virtual time. */
  timing?: HarnessTiming;
  /** Passed to createAudioSession: virtual time for the mock, undefined (real time) elsewhere. */
  scheduler?: SchedulerLike;
  /** A format the platform captures natively; the suite's capture tests use it. */
  format: AudioFormat;
  /** A new adapter as after a process restart or a page reload, reading the remembered decision (R5). */
  relaunch(): Promise<RecordPermissionAdapter>;
  /** Release everything the harness made (the suite has already closed its sessions and adapters). */
  dispose(): Promise<void>;
}

/** Makes a fresh harness per test, with the decision undetermined and no prompt shown yet. */
export type CreateHarness = () => Promise<ConformanceHarness>;
