/**
 * The stable codes of every error micgate raises, for `error.code` checks that survive bundling
 * and process boundaries (class names do not).
 */
export const ErrorCode = Object.freeze({
  InvalidArgument: 'ERR_MICGATE_INVALID_ARGUMENT',
  MissingUsageDescription: 'ERR_MICGATE_MISSING_USAGE_DESCRIPTION',
  DeviceNotFound: 'ERR_MICGATE_DEVICE_NOT_FOUND',
  DeviceBusy: 'ERR_MICGATE_DEVICE_BUSY',
  DeviceLost: 'ERR_MICGATE_DEVICE_LOST',
  /** A (re)opened device cannot give the recording's sample rate or channel count. */
  UnsupportedFormat: 'ERR_MICGATE_UNSUPPORTED_FORMAT',
  PromptUnavailable: 'ERR_MICGATE_PROMPT_UNAVAILABLE',
  MicrophoneDenied: 'ERR_MICGATE_PERMISSION_DENIED',
  SessionClosed: 'ERR_MICGATE_SESSION_CLOSED',
  /** An adapter broke its contract (e.g. answered something that is not a RecordPermission). */
  Adapter: 'ERR_MICGATE_ADAPTER',
  BadWav: 'ERR_MICGATE_BAD_WAV',
  /** Something was thrown that was not an Error. */
  Unknown: 'ERR_MICGATE_UNKNOWN',
} as const);

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Every error micgate raises; `code` is stable, `message` is for people. */
export class MicgateError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument was refused before anything was opened; `field` names it. */
export class InvalidArgumentError extends MicgateError {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, expected: string) {
    super(ErrorCode.InvalidArgument, `${field} must be ${expected}; got ${describe(value)}`);
    this.field = field;
    this.value = value;
  }
}

/** Apple terminates an app that records without a purpose string; micgate refuses loudly. */
export class MissingUsageDescriptionError extends MicgateError {
  constructor() {
    super(
      ErrorCode.MissingUsageDescription,
      'usageDescription is missing or blank: say why the app needs the microphone (it is shown in the prompt)',
    );
  }
}

export class DeviceNotFoundError extends MicgateError {
  constructor(message = 'no audio input device was found', options?: ErrorOptions) {
    super(ErrorCode.DeviceNotFound, message, options);
  }
}

export class DeviceBusyError extends MicgateError {
  constructor(message = 'the audio input device is in use or could not be started', options?: ErrorOptions) {
    super(ErrorCode.DeviceBusy, message, options);
  }
}

export class DeviceLostError extends MicgateError {
  constructor(message = 'the audio input device went away during capture', options?: ErrorOptions) {
    super(ErrorCode.DeviceLost, message, options);
  }
}

/** The device cannot give the asked format (e.g. reopened after a loss at another rate or channel count). */
export class UnsupportedFormatError extends MicgateError {
  constructor(message = 'the audio input device cannot give the asked format', options?: ErrorOptions) {
    super(ErrorCode.UnsupportedFormat, message, options);
  }
}

/** The platform cannot show a prompt here (no terminal, no window, headless, insecure context). */
export class PromptUnavailableError extends MicgateError {
  constructor(message = 'the permission prompt cannot be shown here', options?: ErrorOptions) {
    super(ErrorCode.PromptUnavailable, message, options);
  }
}

/**
 * The platform refused to open the microphone when capture started, although the session had no
 * refusal on record: a policy, a revocation the adapter learnt only then, or a prompt the platform
 * showed again and the user dismissed. (A refusal in answer to the app's own prompt is not an
 * error: the request answers false.) Thrown by adapters whose capture can meet the platform's
 * permission check (the browser's getUserMedia, and Electron's renderer through it).
 */
export class MicrophoneDeniedError extends MicgateError {
  constructor(message = 'microphone access was denied', options?: ErrorOptions) {
    super(ErrorCode.MicrophoneDenied, message, options);
  }
}

export class SessionClosedError extends MicgateError {
  constructor() {
    super(ErrorCode.SessionClosed, 'the audio session is closed');
  }
}

/** An error as plain data, for crossing a process boundary (Electron IPC, a worker). */
export interface ErrorData {
  code: string;
  message: string;
  /** InvalidArgumentError's field. */
  field?: string;
}

/** A thrown value as ErrorData: a MicgateError keeps its code (and field); anything else is ERR_MICGATE_UNKNOWN. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof MicgateError) {
    const field = (error as Partial<InvalidArgumentError>).field;
    return typeof field === 'string'
      ? { code: error.code, message: error.message, field }
      : { code: error.code, message: error.message };
  }
  return { code: ErrorCode.Unknown, message: error instanceof Error ? error.message : String(error) };
}

/**
 * The MicgateError subclass for `data.code` with `data.message` (and InvalidArgumentError's
 * `field`): the same class the other side threw. An unknown code gives a MicgateError with it.
 */
export function errorFromCode(data: ErrorData): MicgateError {
  const { code, message } = data;
  const error = build(code, message);
  if (error instanceof InvalidArgumentError) (error as { field: string }).field = data.field ?? '';
  // Constructors write their own message; the other side's is the one to keep.
  error.message = message;
  return error;
}

function build(code: string, message: string): MicgateError {
  switch (code) {
    case ErrorCode.InvalidArgument:
      return new InvalidArgumentError('', undefined, '');
    case ErrorCode.MissingUsageDescription:
      return new MissingUsageDescriptionError();
    case ErrorCode.DeviceNotFound:
      return new DeviceNotFoundError(message);
    case ErrorCode.DeviceBusy:
      return new DeviceBusyError(message);
    case ErrorCode.DeviceLost:
      return new DeviceLostError(message);
    case ErrorCode.UnsupportedFormat:
      return new UnsupportedFormatError(message);
    case ErrorCode.PromptUnavailable:
      return new PromptUnavailableError(message);
    case ErrorCode.MicrophoneDenied:
      return new MicrophoneDeniedError(message);
    case ErrorCode.SessionClosed:
      return new SessionClosedError();
    default:
      return new MicgateError(code, message);
  }
}

/** The standard AbortError (a DOMException), as fetch and friends reject with. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('the permission request was abandoned', 'AbortError');
}

/** Anything thrown, as an Error (a value that is not an Error becomes ERR_MICGATE_UNKNOWN). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new MicgateError(ErrorCode.Unknown, String(error));
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
