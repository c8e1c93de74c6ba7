import { MicgateError } from '@micgate/core';

/**
 * The page could not build capture's audio graph: the AudioContext, the capture worklet or the
 * node that feeds it. Not a device or permission problem; most often a Content-Security-Policy
 * that refuses the worklet's URL. This error belongs to @micgate/browser (and its Electron
 * renderer); its `code` is stable.
 */
export class AudioSetupError extends MicgateError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_MICGATE_AUDIO_SETUP', message, options);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** A failed `audioWorklet.addModule(url)` as an AudioSetupError that says what to do about it. */
export function workletLoadError(error: unknown, url: string): AudioSetupError {
  const hint = url.startsWith('blob:')
    ? " A Content-Security-Policy whose script-src does not allow blob: blocks the built-in module: serve captureWorkletSource() from the page's origin and pass its URL as the `workletUrl` option."
    : ' Check that the URL serves captureWorkletSource() as JavaScript and that the Content-Security-Policy allows it.';
  return new AudioSetupError(`the capture worklet could not be loaded from ${url} (${describe(error)}).${hint}`, {
    cause: error,
  });
}

/** Any other failure while building the audio graph. */
export function audioGraphError(error: unknown): AudioSetupError {
  return error instanceof AudioSetupError
    ? error
    : new AudioSetupError(`the capture audio graph could not be built (${describe(error)})`, { cause: error });
}
