import type { AudioFrame, AudioSession, RecordOptions, RecordPermission, SilenceReason } from '@micgate/core';
import type { Subscription } from 'rxjs';

/** One frame as the suite saw it on arrival (gated buffers are reused, so zeros are checked then). */
export interface Received {
  frame: AudioFrame;
  position: number;
  frames: number;
  sampleRate: number;
  channels: number;
  length: number;
  gated: boolean;
  silence: SilenceReason | undefined;
  allZero: boolean;
  /** A copy of the device's samples (ungated frames only). */
  samples: Float32Array | undefined;
  /** Harness clock (ms) at arrival. */
  at: number;
}

export interface Recording {
  readonly got: Received[];
  readonly error: unknown;
  readonly completed: boolean;
  readonly subscription: Subscription;
  device(): Received[];
  gated(): Received[];
  stop(): void;
}

export function startRecording(
  session: AudioSession,
  now: () => number,
  format?: RecordOptions,
  onFrame?: (frame: AudioFrame) => void,
): Recording {
  const got: Received[] = [];
  let error: unknown;
  let completed = false;
  const subscription = session.record(format).subscribe({
    next: (frame) => {
      got.push({
        frame,
        position: frame.position,
        frames: frame.frames,
        sampleRate: frame.sampleRate,
        channels: frame.channels,
        length: frame.samples.length,
        gated: frame.gated,
        silence: frame.silence,
        allZero: frame.samples.every((sample) => sample === 0),
        samples: frame.gated ? undefined : frame.samples.slice(),
        at: now(),
      });
      onFrame?.(frame);
    },
    error: (thrown: unknown) => {
      error = thrown;
    },
    complete: () => {
      completed = true;
    },
  });
  return {
    got,
    get error() {
      return error;
    },
    get completed() {
      return completed;
    },
    subscription,
    device: () => got.filter((frame) => !frame.gated),
    gated: () => got.filter((frame) => frame.gated),
    stop: () => subscription.unsubscribe(),
  };
}

/** Every value `recordPermission$` emits, in order. */
export function watchPermission(session: AudioSession): {
  values: RecordPermission[];
  completed: () => boolean;
  stop(): void;
} {
  const values: RecordPermission[] = [];
  let completed = false;
  const subscription = session.recordPermission$.subscribe({
    next: (value) => values.push(value),
    complete: () => {
      completed = true;
    },
  });
  return { values, completed: () => completed, stop: () => subscription.unsubscribe() };
}

/** Every value `silence$` emits, in order. */
export function watchSilence(session: AudioSession): { values: (SilenceReason | undefined)[]; stop(): void } {
  const values: (SilenceReason | undefined)[] = [];
  const subscription = session.silence$.subscribe((value) => values.push(value));
  return { values, stop: () => subscription.unsubscribe() };
}

/** Positions run on from 0 with no gap and no overlap. */
export function gapsIn(got: readonly Received[]): string[] {
  const problems: string[] = [];
  let expected = got[0]?.position ?? 0;
  for (const frame of got) {
    if (frame.position !== expected) problems.push(`expected position ${expected}, got ${frame.position}`);
    expected = frame.position + frame.frames;
  }
  return problems;
}
