import {
  type AudioFormat,
  type AudioInputDevice,
  DeviceBusyError,
  DeviceLostError,
  DeviceNotFoundError,
  type DeviceFrame,
  InvalidArgumentError,
  isRecordPermission,
  type PromptRequest,
  type RecordPermission,
  type RecordPermissionAdapter,
} from '@micgate/core';
import { asyncScheduler, filter, map, Observable, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { MockDecisionStore } from './decisions.js';
import { type MockSignal, sine } from './signals.js';

/** How the played user answers: Allow, Don't Allow, or closing the prompt without deciding. */
export type MockAnswer = 'grant' | 'deny' | 'dismiss';

/** Faults the synthetic microphone can play. */
export type MockFault = 'notFound' | 'busy';

export interface PromptRecord {
  usageDescription: string;
  appName: string | undefined;
  /** Scheduler time (ms) the prompt opened. */
  openedAt: number;
  /** How it was answered; undefined while it is open. */
  answer: MockAnswer | undefined;
}

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

const ANSWER_TO_PERMISSION: Record<MockAnswer, RecordPermission> = {
  grant: 'granted',
  deny: 'denied',
  dismiss: 'undetermined',
};

/** The played user: answers prompts, changes the decision in "Settings", and remembers every prompt shown. */
export class MockUser {
  private readonly scripted: { answer: MockAnswer; delayMs: number }[] = [];
  private readonly shown: PromptRecord[] = [];
  private readonly open = new Map<PromptRecord, (answer: MockAnswer) => void>();

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly decisions: MockDecisionStore,
    private readonly appId: string,
  ) {}

  /** Answer the next prompt `delayMs` after it opens. Calls queue answers for successive prompts. */
  answerNextPrompt(answer: MockAnswer, options: { delayMs?: number } = {}): void {
    checkAnswer(answer);
    const delayMs = options.delayMs ?? 0;
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new InvalidArgumentError('delayMs', delayMs, 'a number of milliseconds ≥ 0');
    this.scripted.push({ answer, delayMs });
  }

  /** Answer every prompt open right now; returns how many there were. */
  answerOpenPrompts(answer: MockAnswer): number {
    checkAnswer(answer);
    const waiting = [...this.open.values()];
    for (const respond of waiting) respond(answer);
    return waiting.length;
  }

  /** Every prompt shown so far, oldest first. */
  get prompts(): readonly PromptRecord[] {
    return this.shown;
  }

  get isPromptOpen(): boolean {
    return this.open.size > 0;
  }

  /** A change made outside the app, as in Settings > Privacy > Microphone (or a reset). */
  changeSetting(decision: RecordPermission): void {
    if (!isRecordPermission(decision)) {
      throw new InvalidArgumentError('decision', decision, "'undetermined', 'denied' or 'granted'");
    }
    this.decisions.set(this.appId, decision, 'settings');
  }

  /** @internal Shows a prompt; resolves with the user's answer. */
  show(request: PromptRequest): Promise<RecordPermission> {
    const record: PromptRecord = {
      usageDescription: request.usageDescription,
      appName: request.appName,
      openedAt: this.scheduler.now(),
      answer: undefined,
    };
    this.shown.push(record);
    return new Promise<RecordPermission>((resolve) => {
      this.open.set(record, (answer) => {
        if (record.answer !== undefined) return;
        record.answer = answer;
        this.open.delete(record);
        const decision = ANSWER_TO_PERMISSION[answer];
        if (decision !== 'undetermined') this.decisions.set(this.appId, decision, 'prompt');
        resolve(decision);
      });
      const script = this.scripted.shift();
      if (script) {
        this.scheduler.schedule(() => this.open.get(record)?.(script.answer), script.delayMs);
      }
    });
  }
}

/** The synthetic microphone: plays a signal at the real-time pace of its scheduler, and faults on demand. */
export class MockDevice {
  private signal: MockSignal;
  private nextFault: MockFault | undefined;
  private plugged = true;
  private readonly live = new Set<(error: Error) => void>();
  private openCount = 0;

  static readonly info: AudioInputDevice = {
    id: 'mock-microphone',
    name: 'Mock Microphone',
    isDefault: true,
    maxChannels: 32,
    defaultSampleRate: 48_000,
  };

  constructor(
    private readonly scheduler: SchedulerLike,
    signal: MockSignal,
  ) {
    this.signal = signal;
  }

  /** Change what the microphone hears, from the next buffer on. */
  play(signal: MockSignal): void {
    this.signal = signal;
  }

  get playing(): MockSignal {
    return this.signal;
  }

  /** Make the next open fail. */
  failNextOpen(fault: MockFault): void {
    if (fault !== 'notFound' && fault !== 'busy') throw new InvalidArgumentError('fault', fault, "'notFound' or 'busy'");
    this.nextFault = fault;
  }

  /** Pull the plug: open streams fail with DeviceLostError; opens fail until plugIn(). */
  unplug(): void {
    this.plugged = false;
    for (const fail of [...this.live]) fail(new DeviceLostError('mock: the microphone was unplugged'));
  }

  plugIn(): void {
    this.plugged = true;
  }

  /** Whether a stream is open right now. */
  get isOpen(): boolean {
    return this.live.size > 0;
  }

  /** How many times the device has been opened. */
  get opens(): number {
    return this.openCount;
  }

  /** @internal */
  capture(format: AudioFormat): Observable<DeviceFrame> {
    return new Observable<DeviceFrame>((subscriber) => {
      const fault = this.nextFault;
      this.nextFault = undefined;
      if (!this.plugged || fault === 'notFound') {
        subscriber.error(new DeviceNotFoundError('mock: no microphone is connected'));
        return;
      }
      if (fault === 'busy') {
        subscriber.error(new DeviceBusyError('mock: the microphone is in use by another app'));
        return;
      }
      this.openCount++;
      const fail = (error: Error) => subscriber.error(error);
      this.live.add(fail);

      const { sampleRate, channels, framesPerBuffer } = format;
      const periodMs = (framesPerBuffer / sampleRate) * 1000;
      const startedAt = this.scheduler.now();
      // The microphone runs on wall time: its signal does not restart when a stream opens.
      const firstFrame = Math.round((startedAt * sampleRate) / 1000);
      let delivered = 0;
      const device = this;
      const task = this.scheduler.schedule(function tick(this: SchedulerAction<undefined>) {
        while (startedAt + (delivered + 1) * periodMs <= device.scheduler.now() + 0.5) {
          const samples = new Float32Array(framesPerBuffer * channels);
          const start = firstFrame + delivered * framesPerBuffer;
          for (let i = 0; i < framesPerBuffer; i++) {
            const value = device.signal.sampleAt(start + i, sampleRate);
            for (let c = 0; c < channels; c++) samples[i * channels + c] = value;
          }
          const time = (startedAt + delivered * periodMs) / 1000;
          delivered++;
          subscriber.next({ samples, frames: framesPerBuffer, sampleRate, channels, time });
          if (subscriber.closed) return;
        }
        this.schedule(undefined, startedAt + (delivered + 1) * periodMs - device.scheduler.now());
      }, periodMs);

      return () => {
        task.unsubscribe();
        this.live.delete(fail);
      };
    });
  }
}

export interface MockPlatform {
  adapter: RecordPermissionAdapter;
  user: MockUser;
  device: MockDevice;
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
  const device = new MockDevice(scheduler, options.signal ?? sine(440, 0.5));

  const makeAdapter = (): RecordPermissionAdapter => ({
    name: 'mock',
    supports: { changes: true, devices: true },
    status: () => Promise.resolve(decisions.get(appId)),
    prompt: (request) => user.show(request),
    changes: () =>
      decisions.changes$.pipe(
        filter((change) => change.appId === appId && change.source === 'settings'),
        map((change) => change.decision),
      ),
    capture: (format) => device.capture(format),
    devices: () => Promise.resolve([{ ...MockDevice.info }]),
  });

  return { adapter: makeAdapter(), user, device, decisions, relaunch: makeAdapter };
}

function checkAnswer(answer: MockAnswer): void {
  if (!(answer in ANSWER_TO_PERMISSION)) throw new InvalidArgumentError('answer', answer, "'grant', 'deny' or 'dismiss'");
}
