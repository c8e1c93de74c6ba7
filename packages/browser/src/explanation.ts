import type { PromptRequest } from '@micgate/core';

/**
 * Shown before the browser's own prompt, which cannot show the app's purpose string.
 * Resolve true to go on to the browser prompt, false when the user declines (the prompt then
 * counts as dismissed). Honour `signal`: remove any UI when it aborts.
 */
export type ExplainHook = (request: PromptRequest, context: { signal?: AbortSignal | undefined }) => Promise<boolean>;

export interface ExplanationDialogOptions {
  /** Where the dialog is attached; defaults to `document.body`. */
  container?: HTMLElement;
  title?: string;
  continueLabel?: string;
  cancelLabel?: string;
}

/** A minimal, unstyled `<dialog>` showing the purpose string with Continue / Not now buttons. */
export function createExplanationDialog(options: ExplanationDialogOptions = {}): ExplainHook {
  return (request, { signal }) =>
    new Promise<boolean>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const dialog = document.createElement('dialog');
      dialog.className = 'micgate-explanation';
      const title = document.createElement('h2');
      title.textContent =
        options.title ??
        (request.appName ? `${request.appName} would like to use the microphone` : 'Microphone access');
      const purpose = document.createElement('p');
      purpose.className = 'micgate-explanation-purpose';
      purpose.textContent = request.usageDescription;
      const cancel = document.createElement('button');
      cancel.type = 'button';
      cancel.textContent = options.cancelLabel ?? 'Not now';
      const proceed = document.createElement('button');
      proceed.type = 'button';
      proceed.textContent = options.continueLabel ?? 'Continue';
      dialog.append(title, purpose, cancel, proceed);

      const finish = (answer: boolean | Error) => {
        signal?.removeEventListener('abort', onAbort);
        dialog.close();
        dialog.remove();
        if (answer instanceof Error) reject(answer);
        else resolve(answer);
      };
      const onAbort = () =>
        finish(signal?.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      signal?.addEventListener('abort', onAbort, { once: true });
      proceed.addEventListener('click', () => finish(true));
      cancel.addEventListener('click', () => finish(false));
      dialog.addEventListener('cancel', (event) => {
        event.preventDefault();
        finish(false);
      });
      (options.container ?? document.body).append(dialog);
      dialog.showModal();
    });
}
