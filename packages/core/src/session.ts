import {
  asyncScheduler,
  BehaviorSubject,
  distinctUntilChanged,
  filter,
  Observable,
  type SchedulerLike,
  Subject,
  type Subscription,
  takeUntil,
} from 'rxjs';
import {
  abortError,
  asError,
  ErrorCode,
  InvalidArgumentError,
  MicgateError,
  MissingUsageDescriptionError,
  SessionClosedError,
} from './errors.js';
import { isBlankUsageDescription } from './usage-description.js';
import { deviceList } from './device-list.js';
import { type DeviceChoice, deviceChoice } from './device-choice.js';
import { deviceCapture } from './device-survival.js';
import { resolveFormat } from './format.js';
import { permissionSilence, silenceGate, silentAgain } from './gate.js';
import { GuardedStream } from './guarded-stream.js';
import { isRecordPermission } from './permission.js';
import { isDeniedRecovery } from './recovery.js';
import { singleFlight } from './single-flight.js';
import type {
  AudioFormat,
  AudioFrame,
  AudioSession,
  AudioSessionOptions,
  RecordOptions,
  DeniedRecovery,
  RecordPermission,
  RecordPermissionAdapter,
  RecordPermissionResponse,
  RequestOptions,
  SilenceReason,
} from './types.js';

export function createAudioSession(options: AudioSessionOptions): AudioSession {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('options', options, 'an object');
  }
  const { adapter, usageDescription, appName, scheduler = asyncScheduler } = options;
  assertAdapter(adapter);
  if (!isScheduler(scheduler)) {
    throw new InvalidArgumentError('scheduler', scheduler, 'a SchedulerLike (now() and schedule())');
  }
  if (options.onError != null && typeof options.onError !== 'function') {
    throw new InvalidArgumentError('onError', options.onError, 'a function');
  }
  const onError = options.onError ?? ((error: unknown) => console.error('micgate:', error));
  if (usageDescription !== undefined && typeof usageDescription !== 'string') {
    throw new InvalidArgumentError('usageDescription', usageDescription, 'a string');
  }
  if (appName !== undefined && typeof appName !== 'string') {
    throw new InvalidArgumentError('appName', appName, 'a string');
  }
  const hasUsageDescription = typeof usageDescription === 'string' && !isBlankUsageDescription(usageDescription);

  // undefined until the adapter's status has been read (or a change has arrived).
  const permission = new BehaviorSubject<RecordPermission | undefined>(undefined);
  const permission$ = permission.pipe(
    filter((value): value is RecordPermission => value !== undefined),
    distinctUntilChanged(),
  );
  const muted = new BehaviorSubject<boolean>(false);
  const muted$ = muted.pipe(distinctUntilChanged());
  const silence = new BehaviorSubject<SilenceReason | undefined>('not-asked');
  const silence$ = silence.pipe(distinctUntilChanged());
  /** The session's silence as the gates read it per buffer (a property read, not a call); set through report(). */
  const said = { current: silence.getValue(), report };
  let promptOpen = false;
  let needsGesture = false;
  /** Why the session silences audio now (holdReason()), recomputed before each change is told: the gates read it per buffer. */
  let held = holdReason();
  let deviceLost = false;
  let running = 0; // recordings subscribed right now
  const closed$ = new Subject<void>();
  const pendingRejections = new Set<(error: Error) => void>();
  const recordings = new Map<string, GuardedStream<AudioFrame>>();
  let closed = false;
  let statusRead: Promise<RecordPermission> | undefined;

  // An adapter that cannot watch outside decisions has no changes(); its status is read on demand.
  const changes = adapter.supports.changes ? watchChanges() : undefined;

  /** The adapter's changes() stream; a watcher that fails to start is reported, and status is read on demand. */
  function watchChanges(): Subscription | undefined {
    try {
      const stream: unknown = adapter.changes?.();
      if (typeof (stream as Partial<Observable<unknown>> | null)?.subscribe !== 'function') {
        throw new MicgateError(ErrorCode.Adapter, "the adapter's changes() gave no Observable");
      }
      return (stream as Observable<unknown>).subscribe({
        next: (value) => {
          try {
            setPermission(checkedPermission(value, 'changes()'));
          } catch (error) {
            onError(error);
          }
        },
        error: (error: unknown) => onError(error),
      });
    } catch (error) {
      onError(error);
      return undefined;
    }
  }

  const captureState = watchCaptureState();

  /** The adapter's optional capture state: 'needs-user-gesture' explains the silence meanwhile. */
  function watchCaptureState(): Subscription | undefined {
    try {
      const stream: unknown = adapter.captureState$; // a getter may throw: reported, never thrown at the app
      if (stream === undefined) return undefined;
      if (typeof (stream as Partial<Observable<unknown>> | null)?.subscribe !== 'function') {
        throw new MicgateError(ErrorCode.Adapter, "the adapter's captureState$ is not an Observable");
      }
      return (stream as Observable<unknown>).subscribe({
        next: (state) => {
          needsGesture = state === 'needs-user-gesture';
          held = holdReason();
          idle();
        },
        error: (error: unknown) => onError(error),
      });
    } catch (error) {
      onError(error);
      return undefined;
    }
  }

  /**
   * Why a gated buffer is silent, before the device's own states, given the permission and mute
   * about to be told (default: the current ones). Computed only when one of its inputs changes.
   */
  function holdReason(state = permission.getValue(), isMuted = muted.getValue()): SilenceReason | undefined {
    if (state !== 'granted') return promptOpen ? 'prompt-open' : permissionSilence(state);
    if (isMuted) return 'muted';
    return needsGesture ? 'needs-user-gesture' : undefined;
  }

  function report(value: SilenceReason | undefined): void {
    if (value === said.current || closed) return;
    said.current = value;
    silence.next(value);
  }

  /** With no recording running, the session's silence is the reason one would start with. */
  function idle(): void {
    if (running > 0) return;
    report(held === undefined && deviceLost && permission.getValue() === 'granted' ? 'device-lost' : held);
  }

  function setPromptOpen(open: boolean): void {
    promptOpen = open;
    held = holdReason();
  }

  // Read the remembered decision now, so recordPermission and recordPermission$ know it early.
  currentPermission().catch(onError);

  function setPermission(value: RecordPermission): void {
    if (closed) return;
    held = holdReason(value);
    permission.next(value);
    idle();
  }

  /** The remembered decision: read once; a failed read is retried by the next caller. */
  function currentPermission(): Promise<RecordPermission> {
    const known = permission.getValue();
    if (known !== undefined) return Promise.resolve(known);
    statusRead ??= fromAdapter(() => adapter.status()).then(
      (value) => {
        const checked = checkedPermission(value, 'status()');
        // A change that arrived while status() was running is newer; keep it.
        if (permission.getValue() === undefined) setPermission(checked);
        return permission.getValue() ?? checked;
      },
      (error: unknown) => {
        statusRead = undefined;
        throw error;
      },
    );
    return statusRead;
  }

  /** One prompt at a time for this session, whose answer everyone waiting on it gets. */
  const ask = singleFlight(() => {
    setPromptOpen(true);
    idle();
    return fromAdapter(() =>
      adapter.prompt(appName === undefined ? { usageDescription } : { usageDescription, appName }),
    )
      .finally(() => setPromptOpen(false))
      .then((answer) => {
        const checked = checkedPermission(answer, 'prompt()');
        if (checked !== 'undetermined') setPermission(checked);
        else idle();
        return checked === 'granted';
      });
  });

  /** The answer for a request: remembered, or from the one open prompt. */
  async function decide(): Promise<boolean> {
    const state = await currentPermission();
    if (state !== 'undetermined') return state === 'granted';
    return ask();
  }

  /** decide(), but settled early by abort or close, with no listener left behind. */
  function decideFor(signal: AbortSignal | undefined): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const settle = () => {
        pendingRejections.delete(fail);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (error: Error) => {
        settle();
        reject(error);
      };
      const onAbort = () => fail(abortError(signal!));
      if (signal?.aborted) return reject(abortError(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      pendingRejections.add(fail);
      decide().then(
        (granted) => {
          settle();
          resolve(granted);
        },
        (error: unknown) => fail(asError(error)),
      );
    });
  }

  function requestRecordPermission(response: RecordPermissionResponse): void;
  function requestRecordPermission(options?: RequestOptions): Promise<boolean>;
  function requestRecordPermission(arg?: RecordPermissionResponse | RequestOptions): Promise<boolean> | undefined {
    if (typeof arg === 'function') {
      if (closed) throw new SessionClosedError();
      if (!hasUsageDescription) throw new MissingUsageDescriptionError();
      let called = false;
      const respond = (granted: boolean, error?: Error) => {
        if (called) return;
        called = true;
        try {
          if (error === undefined) arg(granted);
          else arg(granted, error);
        } catch (thrown) {
          onError(thrown);
        }
      };
      decideFor(undefined).then(
        (granted) => respond(granted),
        (error: Error) => respond(false, error),
      );
      return undefined;
    }
    if (closed) return Promise.reject(new SessionClosedError());
    if (arg !== undefined && (arg === null || typeof arg !== 'object')) {
      return Promise.reject(new InvalidArgumentError('options', arg, 'an object or a response function'));
    }
    let signal: AbortSignal | undefined;
    try {
      signal = arg?.signal;
    } catch {
      return Promise.reject(new InvalidArgumentError('signal', undefined, 'an AbortSignal (reading it threw)'));
    }
    if (signal !== undefined && !isAbortSignal(signal)) {
      return Promise.reject(new InvalidArgumentError('signal', signal, 'an AbortSignal'));
    }
    if (!hasUsageDescription) return Promise.reject(new MissingUsageDescriptionError());
    return decideFor(signal);
  }

  /**
   * One recording: the silence gate over the chosen input (resolved before it opens, and in 'wait'
   * mode kept alive across a lost device), asking the user on the first attempt.
   */
  function recording(format: AudioFormat, choice: DeviceChoice): Observable<AudioFrame> {
    return new Observable<AudioFrame>((subscriber) => {
      // A stream obtained before close() and subscribed after it must not start anything.
      if (closed) {
        subscriber.error(new SessionClosedError());
        return;
      }
      if (!hasUsageDescription) {
        subscriber.error(new MissingUsageDescriptionError());
        return;
      }
      const device = deviceCapture({ adapter, scheduler, devices$, ...choice });
      const frames = silenceGate({
        format,
        scheduler,
        permission$,
        current: () => permission.getValue(),
        open: device.open,
        reason: () => held ?? device.reason,
        said,
        failed: (error) => {
          if (error instanceof MicgateError && error.code === ErrorCode.DeviceLost) deviceLost = true;
        },
      });
      running++;
      deviceLost = false;
      // Before the gate's own teardown, which closes the device (and so forgets it was lost).
      subscriber.add(() => {
        // Left while waiting for its input: the next recording would start without one.
        if (device.reason === 'device-lost') deviceLost = true;
      });
      // The gate delivers straight to this subscriber: no layer of its own per buffer.
      frames.subscribe(subscriber);
      // The first recording attempt asks, as on iOS; silence flows while the prompt is open.
      decide().catch((error: unknown) => subscriber.error(asError(error)));
      return () => {
        running--;
        idle();
      };
    });
  }

  const devices$ = deviceList(adapter).pipe(takeUntil(closed$));

  function record(requested?: RecordOptions): Observable<AudioFrame> {
    const format = resolveFormat(requested);
    const choice = deviceChoice(requested);
    if (closed) throw new SessionClosedError();
    const key = `${format.sampleRate}/${format.channels}/${format.framesPerBuffer}/${choice.onDeviceLost}/${choice.selector ?? ''}`;
    let shared = recordings.get(key);
    if (!shared) {
      shared = new GuardedStream(recording(format, choice), onError, silentAgain);
      recordings.set(key, shared);
    }
    return shared;
  }

  function close(): void {
    if (closed) return;
    closed = true;
    changes?.unsubscribe();
    captureState?.unsubscribe();
    closed$.next();
    closed$.complete();
    // Each recording's subscribers complete, and its device closes.
    for (const shared of recordings.values()) shared.complete();
    for (const reject of [...pendingRejections]) reject(new SessionClosedError());
    recordings.clear();
    permission.complete();
    muted.complete();
    silence.complete();
  }

  function setInputMuted(value: boolean): void {
    if (typeof value !== 'boolean') throw new InvalidArgumentError('muted', value, 'a boolean');
    if (closed) throw new SessionClosedError();
    held = holdReason(permission.getValue(), value);
    muted.next(value);
    idle();
  }

  return {
    get recovery() {
      return permission.getValue() === 'denied' ? adapterRecovery(adapter, onError) : undefined;
    },
    get recordPermission() {
      return permission.getValue() ?? 'undetermined';
    },
    recordPermission$: permission$,
    get silence() {
      return silence.getValue();
    },
    silence$,
    get inputMuted() {
      return muted.getValue();
    },
    inputMuted$: muted$,
    setInputMuted,
    requestRecordPermission,
    record,
    devices$,
    close,
  };
}

/** The adapter's way back from a denial; a throwing or malformed recovery() is reported, never thrown at the app. */
function adapterRecovery(
  adapter: RecordPermissionAdapter,
  onError: (error: unknown) => void,
): DeniedRecovery | undefined {
  if (typeof adapter.recovery !== 'function') return undefined;
  try {
    const recovery: unknown = adapter.recovery();
    if (recovery === undefined || isDeniedRecovery(recovery)) return recovery;
    throw new MicgateError(ErrorCode.Adapter, "the adapter's recovery() gave no well-formed DeniedRecovery");
  } catch (error) {
    onError(error);
    return undefined;
  }
}

/** An adapter call as a promise: a synchronous throw rejects it, a plain value resolves it. */
function fromAdapter<T>(call: () => Promise<T> | T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error);
  }
}

function checkedPermission(value: unknown, from: string): RecordPermission {
  if (isRecordPermission(value)) return value;
  throw new MicgateError(ErrorCode.Adapter, `the adapter's ${from} gave ${String(value)}, not a RecordPermission`);
}

function assertAdapter(adapter: unknown): asserts adapter is RecordPermissionAdapter {
  const candidate = adapter as Partial<RecordPermissionAdapter> | null | undefined;
  const supports = candidate?.supports as Partial<RecordPermissionAdapter['supports']> | null | undefined;
  const complete =
    candidate != null &&
    typeof supports === 'object' &&
    supports !== null &&
    typeof candidate.status === 'function' &&
    typeof candidate.prompt === 'function' &&
    typeof candidate.capture === 'function' &&
    // The manifest is what the session trusts: a declared method must be there.
    (supports.changes !== true || typeof candidate.changes === 'function') &&
    (supports.devices !== true || typeof candidate.devices === 'function') &&
    (supports.deviceChanges !== true || typeof candidate.deviceChanges === 'function');
  if (!complete) {
    throw new InvalidArgumentError(
      'adapter',
      adapter,
      'a RecordPermissionAdapter (supports, status, prompt, capture; each method its supports flag declares)',
    );
  }
}

/** What decideFor() uses of a signal: a duck-typed one must have all of it (no removeEventListener hung the request). */
function isAbortSignal(value: unknown): value is AbortSignal {
  try {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as AbortSignal).aborted === 'boolean' &&
      typeof (value as AbortSignal).addEventListener === 'function' &&
      typeof (value as AbortSignal).removeEventListener === 'function'
    );
  } catch {
    return false; // a hostile getter or proxy
  }
}

function isScheduler(value: unknown): value is SchedulerLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SchedulerLike).now === 'function' &&
    typeof (value as SchedulerLike).schedule === 'function'
  );
}
