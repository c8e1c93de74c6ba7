// A third-party adapter, written in the user's project against the installed packages: a
// remembered decision, a played prompt and a synthetic sine, on any rxjs scheduler.
import {
  type AudioFormat,
  type CaptureRequest,
  type DeviceFrame,
  DeviceNotFoundError,
  type PromptRequest,
  type RecordPermission,
  type RecordPermissionAdapter,
} from 'micgate';
import { interval, map, Observable, type SchedulerLike, Subject, throwError } from 'rxjs';

/** The world behind the adapter: what a relaunched app finds again. */
export class TinyWorld {
  decision: RecordPermission = 'undetermined';
  frequency = 440;
  readonly amplitude = 0.5;
  readonly prompts: string[] = [];
  openStreams = 0;
  opens = 0;
  readonly settings = new Subject<RecordPermission>();
  /** The user's answer to the prompt open now; undefined while nobody has answered. */
  answer: ((decision: RecordPermission) => void) | undefined;
  onPromptOpened: (() => void) | undefined;

  constructor(readonly scheduler: SchedulerLike) {}

  /** A decision made outside the app ("Settings"). */
  changeSetting(decision: RecordPermission): void {
    this.decision = decision;
    this.settings.next(decision);
  }
}

export class TinyAdapter implements RecordPermissionAdapter {
  readonly name = 'tiny';
  readonly supports = { changes: true, devices: false, deviceChanges: false };
  private open: Promise<RecordPermission> | undefined;

  constructor(private readonly world: TinyWorld) {}

  status(): Promise<RecordPermission> {
    return Promise.resolve(this.world.decision);
  }

  prompt(request: PromptRequest): Promise<RecordPermission> {
    // Single flight: every caller waits for the one prompt that is open.
    this.open ??= new Promise<RecordPermission>((resolve) => {
      this.world.prompts.push(request.usageDescription);
      this.world.answer = (decision) => {
        this.world.answer = undefined;
        this.open = undefined;
        if (decision !== 'undetermined') this.world.decision = decision;
        resolve(decision);
      };
      this.world.onPromptOpened?.();
    });
    return this.open;
  }

  changes(): Observable<RecordPermission> {
    return this.world.settings.asObservable();
  }

  capture(format: AudioFormat, request?: CaptureRequest): Observable<DeviceFrame> {
    // One input, the system default: any named one is not there.
    if (request?.device !== undefined) {
      return throwError(
        () => new DeviceNotFoundError(`the tiny adapter has no input ${JSON.stringify(request.device)}`),
      );
    }
    const { sampleRate, channels, framesPerBuffer } = format;
    const { world } = this;
    return new Observable<DeviceFrame>((subscriber) => {
      world.openStreams++;
      world.opens++;
      const periodMs = (framesPerBuffer / sampleRate) * 1000;
      const startedAt = world.scheduler.now();
      const step = (2 * Math.PI) / sampleRate;
      const buffers = interval(periodMs, world.scheduler).pipe(
        map((index): DeviceFrame => {
          const samples = new Float32Array(framesPerBuffer * channels);
          const first = index * framesPerBuffer;
          for (let i = 0; i < framesPerBuffer; i++) {
            const value = world.amplitude * Math.sin(step * world.frequency * (first + i));
            for (let c = 0; c < channels; c++) samples[i * channels + c] = value;
          }
          return {
            samples,
            frames: framesPerBuffer,
            sampleRate,
            channels,
            time: (startedAt + index * periodMs) / 1000,
          };
        }),
      );
      const subscription = buffers.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        world.openStreams--;
      };
    });
  }

  close(): void {
    this.world.answer?.('undetermined');
  }
}
