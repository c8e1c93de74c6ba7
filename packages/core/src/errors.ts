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
    super('ERR_MICGATE_INVALID_ARGUMENT', `${field} must be ${expected}; got ${describe(value)}`);
    this.field = field;
    this.value = value;
  }
}

/** Apple terminates an app that records without a purpose string; micgate refuses loudly. */
export class MissingUsageDescriptionError extends MicgateError {
  constructor() {
    super(
      'ERR_MICGATE_MISSING_USAGE_DESCRIPTION',
      'usageDescription is missing or blank: say why the app needs the microphone (it is shown in the prompt)',
    );
  }
}

export class DeviceNotFoundError extends MicgateError {
  constructor(message = 'no audio input device was found', options?: ErrorOptions) {
    super('ERR_MICGATE_DEVICE_NOT_FOUND', message, options);
  }
}

export class DeviceBusyError extends MicgateError {
  constructor(message = 'the audio input device is in use or could not be started', options?: ErrorOptions) {
    super('ERR_MICGATE_DEVICE_BUSY', message, options);
  }
}

export class DeviceLostError extends MicgateError {
  constructor(message = 'the audio input device went away during capture', options?: ErrorOptions) {
    super('ERR_MICGATE_DEVICE_LOST', message, options);
  }
}

/** The platform cannot show a prompt here (no terminal, no window, headless, insecure context). */
export class PromptUnavailableError extends MicgateError {
  constructor(message = 'the permission prompt cannot be shown here', options?: ErrorOptions) {
    super('ERR_MICGATE_PROMPT_UNAVAILABLE', message, options);
  }
}

export class SessionClosedError extends MicgateError {
  constructor() {
    super('ERR_MICGATE_SESSION_CLOSED', 'the audio session is closed');
  }
}

/** The standard AbortError (a DOMException), as fetch and friends reject with. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('the permission request was abandoned', 'AbortError');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
