import { InvalidArgumentError, type RecordPermissionAdapter, singleFlight } from '@micgate/core';
import { asyncScheduler, filter, map, type SchedulerLike, Subject, takeUntil } from 'rxjs';
import { MockDecisionStore } from './decisions.js';
import type { MockDevice } from './device.js';
import { MockInputs } from './inputs.js';
import { type MockSignal, sine } from './signals.js';
import { MockUser } from './user.js';

export interface MockPlatformOptions {
  /** Key of the remembered decision. Default 'mock-app'. */
  appId?: string;
  /** Clock for prompt delays and device pacing; pass a VirtualClock in tests. Default: real time. */
  scheduler?: SchedulerLike;
  /** Where decisions are remembered; share one between platforms to play a relaunch. */
  decisions?: MockDecisionStore;
  /** What the microphone hears. Default: a 440 Hz sine at amplitude 0.5. */
  signal?: MockSignal;
}

export interface MockPlatform {
  adapter: RecordPermissionAdapter;
  user: MockUser;
  /** The first microphone ('mock-microphone', the default until another is chosen). */
  device: MockDevice;
  /** Every input: add more, plug them in and out, choose the default. */
  inputs: MockInputs;
  decisions: MockDecisionStore;
  /** A new adapter over the same remembered decisions and device: the app after a relaunch. */
  relaunch(): RecordPermissionAdapter;
}

/** A scriptable platform: a played user, a synthetic microphone and a decision store. */
export function createMockPlatform(options: MockPlatformOptions = {}): MockPlatform {
  const appId = options.appId ?? 'mock-app';
  if (typeof appId !== 'string' || appId === '') throw new InvalidArgumentError('appId', appId, 'a non-empty string');
  const scheduler = options.scheduler ?? asyncScheduler;
  const decisions = options.decisions ?? new MockDecisionStore();
  const user = new MockUser(scheduler, decisions, appId);
  const inputs = new MockInputs(scheduler);
  const device = inputs.add({
    id: 'mock-microphone',
    name: 'Mock Microphone',
    signal: options.signal ?? sine(440, 0.5),
    default: true,
  });

  const makeAdapter = (): RecordPermissionAdapter => {
    const closed = new AbortController();
    const closed$ = new Subject<void>();
    // One dialog per app: every session on this adapter waits for the same open prompt.
    const prompt = singleFlight(async (request: Parameters<RecordPermissionAdapter['prompt']>[0]) =>
      closed.signal.aborted ? 'undetermined' : user.show(request, closed.signal),
    );
    return {
      name: 'mock',
      supports: { changes: true, devices: true, deviceChanges: true },
      status: () => Promise.resolve(decisions.get(appId)),
      prompt,
      changes: () =>
        decisions.changes$.pipe(
          filter((change) => change.appId === appId && change.source === 'settings'),
          map((change) => change.decision),
          takeUntil(closed$),
        ),
      capture: (format, request) => inputs.capture(format, request),
      devices: () => Promise.resolve(inputs.list()),
      deviceChanges: () => inputs.changes$.pipe(takeUntil(closed$)),
      close() {
        closed.abort();
        closed$.next();
        closed$.complete();
      },
    };
  };

  return { adapter: makeAdapter(), user, device, inputs, decisions, relaunch: makeAdapter };
}
