import {
  DeviceBusyError,
  DeviceNotFoundError,
  MicgateError,
  MicrophoneDeniedError,
  PromptUnavailableError,
} from '@micgate/core';

/** What a getUserMedia failure means for micgate. */
export type MediaErrorKind = 'denied' | 'dismissed' | 'notFound' | 'busy' | 'unavailable' | 'unknown';

// Current names first; the others are what Chrome (< 57) and early Firefox used.
const KINDS: Record<string, MediaErrorKind> = {
  NotAllowedError: 'denied',
  PermissionDeniedError: 'denied',
  SecurityError: 'denied',
  PermissionDismissedError: 'dismissed',
  NotFoundError: 'notFound',
  DevicesNotFoundError: 'notFound',
  OverconstrainedError: 'notFound',
  ConstraintNotSatisfiedError: 'notFound',
  NotReadableError: 'busy',
  TrackStartError: 'busy',
  SourceUnavailableError: 'busy',
  AbortError: 'busy',
  NotSupportedError: 'unavailable',
  InvalidStateError: 'unavailable',
  TypeError: 'unavailable',
};

function errorName(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string') {
    return (error as { name: string }).name;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}

/** Classify a getUserMedia rejection, whatever the browser called it. */
export function classifyMediaError(error: unknown): MediaErrorKind {
  if (error instanceof MicgateError) {
    if (error instanceof DeviceNotFoundError) return 'notFound';
    if (error instanceof DeviceBusyError) return 'busy';
    if (error instanceof PromptUnavailableError) return 'unavailable';
    if (error instanceof MicrophoneDeniedError) return 'denied';
    return 'unknown';
  }
  const name = errorName(error);
  // Own keys only: an error named 'constructor' or 'toString' must not find Object.prototype's.
  const kind = name !== undefined && Object.hasOwn(KINDS, name) ? KINDS[name]! : 'unknown';
  // Chrome rejects a closed prompt with NotAllowedError "Permission dismissed".
  if (kind === 'denied' && /dismiss/i.test(errorMessage(error))) return 'dismissed';
  return kind;
}

/**
 * A getUserMedia rejection as micgate's typed error: DeviceNotFoundError, DeviceBusyError,
 * PromptUnavailableError or MicrophoneDeniedError (the original is the `cause`).
 * Micgate errors pass through unchanged.
 */
export function normalizeMediaError(error: unknown): Error {
  if (error instanceof MicgateError) return error;
  const name = errorName(error) ?? 'Error';
  const detail = `${name}: ${errorMessage(error)}`;
  const options = { cause: error };
  switch (classifyMediaError(error)) {
    case 'denied':
      return new MicrophoneDeniedError(`microphone access was denied (${detail})`, options);
    case 'dismissed':
      return new MicrophoneDeniedError(`the microphone prompt was dismissed (${detail})`, options);
    case 'notFound':
      return new DeviceNotFoundError(`no matching audio input device (${detail})`, options);
    case 'busy':
      return new DeviceBusyError(`the audio input device could not be started (${detail})`, options);
    case 'unavailable':
      return new PromptUnavailableError(`the browser cannot open the microphone here (${detail})`, options);
    default:
      return error instanceof Error ? error : new MicgateError('ERR_MICGATE_UNKNOWN', detail, options);
  }
}
