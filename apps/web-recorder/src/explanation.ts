import type { ExplainHook } from '@micgate/browser';

/**
 * The page's explanation before the browser's prompt: a modal dialog named by its heading and
 * described by the purpose string. Focus goes to Continue, and back to what had it on close.
 */
export function createRecorderExplanation(labels: { continue: string; cancel: string }): ExplainHook {
  return (request, { signal }) =>
    new Promise<boolean>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const before = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
      const dialog = document.createElement('dialog');
      dialog.className = 'recorder-explanation';
      dialog.setAttribute('aria-labelledby', 'explanation-title');
      dialog.setAttribute('aria-describedby', 'explanation-purpose');
      const title = document.createElement('h2');
      title.id = 'explanation-title';
      title.textContent = request.appName ? `${request.appName} would like to use the microphone` : 'Microphone access';
      const purpose = document.createElement('p');
      purpose.id = 'explanation-purpose';
      purpose.textContent = request.usageDescription;
      const note = document.createElement('p');
      note.textContent = 'Until you decide, the take records silence.';
      const cancel = document.createElement('button');
      cancel.type = 'button';
      cancel.textContent = labels.cancel;
      const proceed = document.createElement('button');
      proceed.type = 'button';
      proceed.textContent = labels.continue;
      dialog.append(title, purpose, note, cancel, proceed);
      const finish = (answer: boolean | Error) => {
        signal?.removeEventListener('abort', onAbort);
        dialog.close();
        dialog.remove();
        if (before?.isConnected && !before.hidden) before.focus();
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
      document.body.append(dialog);
      dialog.showModal();
      proceed.focus();
    });
}
