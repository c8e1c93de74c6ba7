import type { DeviceFrame, PromptRequest, RecordPermission, RecordPermissionAdapter } from '@micgate/core';
import {
  createMockPlatform,
  type MockPlatform,
  MockDecisionStore,
  noise,
  silence,
  sine,
  VirtualClock,
} from '@micgate/mock';
import { asyncScheduler, catchError, filter, map, mergeMap, NEVER, type Observable, of, throwError } from 'rxjs';
import type { ConformanceHarness, CreateHarness } from '../src/index.js';

/**
 * One fault injected into the mock adapter: each makes it break one promise of the contract.
 * 'noChanges' is not a fault: an honest adapter that cannot watch outside decisions.
 */
export type MockFault =
  | 'fast'
  | 'slow'
  | 'drops'
  | 'repeats'
  | 'wrongSize'
  | 'opensEarly'
  | 'silentChanges'
  | 'undeclaredDevices'
  | 'separatePrompts'
  | 'wrongCode'
  | 'noChanges';

type Wrap = (adapter: RecordPermissionAdapter, platform: MockPlatform) => RecordPermissionAdapter;

const every = 8;
const FAULTS: Record<MockFault, Wrap> = {
  // Twice real time: the same buffers, paced as if the rate were double (0.5×: half).
  fast: (adapter) => ({
    ...adapter,
    capture: (format) =>
      adapter
        .capture({ ...format, sampleRate: format.sampleRate * 2 })
        .pipe(map((frame) => ({ ...frame, sampleRate: format.sampleRate }))),
  }),
  slow: (adapter) => ({
    ...adapter,
    capture: (format) =>
      adapter
        .capture({ ...format, sampleRate: format.sampleRate / 2 })
        .pipe(map((frame) => ({ ...frame, sampleRate: format.sampleRate }))),
  }),
  // Loses every 8th device buffer / delivers every 8th one twice.
  drops: (adapter) => ({
    ...adapter,
    capture: (format) => adapter.capture(format).pipe(filter((_, index) => index % every !== every - 1)),
  }),
  repeats: (adapter) => ({
    ...adapter,
    capture: (format) =>
      adapter
        .capture(format)
        .pipe(
          mergeMap(
            (frame, index): Observable<DeviceFrame> => (index % every === every - 1 ? of(frame, frame) : of(frame)),
          ),
        ),
  }),
  // Delivers the device's own 128-frame quanta whatever was asked.
  wrongSize: (adapter) => ({ ...adapter, capture: (format) => adapter.capture({ ...format, framesPerBuffer: 128 }) }),
  // Warms the microphone up while the prompt is still open.
  opensEarly: (adapter) => ({
    ...adapter,
    prompt: (request) => {
      const warm = adapter
        .capture({ sampleRate: 48_000, channels: 1, framesPerBuffer: 480 })
        .subscribe({ error: () => {} });
      return adapter.prompt(request).finally(() => warm.unsubscribe());
    },
  }),
  // Declares changes but never reports one.
  silentChanges: (adapter) => ({ ...adapter, changes: () => NEVER }),
  // Lists devices without declaring it.
  undeclaredDevices: (adapter) => ({ ...adapter, supports: { ...adapter.supports, devices: false } }),
  // A prompt per call: two sessions on one adapter open two prompts.
  separatePrompts: (adapter, platform) => ({
    ...adapter,
    prompt: (request: PromptRequest) => platform.user.show(request),
  }),
  // Its own error class: the right name, not micgate's code.
  wrongCode: (adapter) => ({
    ...adapter,
    capture: (format) =>
      adapter
        .capture(format)
        .pipe(
          catchError((error: { code?: string; message?: string }) =>
            throwError(() =>
              error?.code === 'ERR_MICGATE_DEVICE_BUSY'
                ? Object.assign(new Error(error.message), { name: 'DeviceBusyError', code: 'EBUSY' })
                : error,
            ),
          ),
        ),
  }),
  noChanges: (adapter) => {
    const { changes: _dropped, ...rest } = adapter;
    return { ...rest, supports: { ...adapter.supports, changes: false } };
  },
};

export interface MockHarnessOptions {
  /** One fault to inject; none: the honest mock. */
  fault?: MockFault;
  /** 'virtual' (default): the whole suite in milliseconds; 'real': the mock on wall-clock time. */
  time?: 'virtual' | 'real';
}

/** The mock platform as a conformance harness, honest or with one fault injected. */
export function mockHarness(options: MockHarnessOptions = {}): CreateHarness {
  const wrap: Wrap = options.fault ? FAULTS[options.fault] : (adapter) => adapter;
  return async () => {
    const virtual = options.time !== 'real';
    const clock = virtual ? new VirtualClock() : undefined;
    const scheduler = clock ?? asyncScheduler;
    const decisions = new MockDecisionStore();
    const platform = createMockPlatform({ scheduler, decisions, appId: 'conformance' });
    const harness: ConformanceHarness = {
      adapter: wrap(platform.adapter, platform),
      ...(clock ? { scheduler: clock } : {}),
      clock: clock ?? {
        now: () => asyncScheduler.now(),
        advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      },
      format: { sampleRate: 48_000, channels: 1, framesPerBuffer: 480 },
      can: { dismiss: true, faults: { notFound: true, busy: true, lost: true }, observeDeviceOpen: true },
      ...(virtual ? {} : { timing: { slackMs: 100 } }),
      user: {
        answerNextPrompt: async (answer, answerOptions) => platform.user.answerNextPrompt(answer, answerOptions),
        prompts: async () => platform.user.prompts.map((prompt) => prompt.usageDescription),
        setDecisionOutsideApp: async (decision: RecordPermission) => platform.user.changeSetting(decision),
      },
      device: {
        playSine: async (frequency) => {
          platform.device.play(sine(frequency, 0.5));
          return { frequency, rms: 0.5 / Math.SQRT2 };
        },
        playSilence: async () => platform.device.play(silence),
        // White noise at amplitude 0.001 (about −65 dBFS RMS): quiet, never exact zeros for long.
        playQuiet: async () => platform.device.play(noise(0.001)),
        isOpen: async () => platform.device.isOpen,
        opens: async () => platform.device.opens,
        injectFault: async (fault) =>
          fault === 'lost' ? platform.device.unplug() : platform.device.failNextOpen(fault),
        unplug: async () => platform.device.unplug(),
        replug: async () => platform.device.plugIn(),
        addDevice: async () => {
          const added = platform.inputs.devices.find((input) => input.id === 'second');
          if (added) added.plugIn();
          else platform.inputs.add({ id: 'second', name: 'Second Microphone', signal: sine(660, 0.5) });
          return { frequency: 660, rms: 0.5 / Math.SQRT2 };
        },
        removeDevice: async () => platform.inputs.devices.find((input) => input.id === 'second')?.unplug(),
      },
      relaunch: async () => wrap(platform.relaunch(), platform),
      dispose: async () => {
        // Everything the sessions and the adapters scheduled must be gone once both are closed (R11).
        if (clock && clock.pending !== 0) throw new Error(`${clock.pending} scheduled task(s) outlived the test`);
      },
    };
    return harness;
  };
}
