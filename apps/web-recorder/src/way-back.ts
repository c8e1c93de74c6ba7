import type { DeniedRecovery } from '@micgate/core';

export interface WayBackOptions {
  /** Opens the settings the steps describe (Electron: the OS privacy pane or the app's setting); none in a page. */
  open?: () => Promise<void>;
  /** Told when `open` fails. */
  onError?: (error: unknown) => void;
}

/**
 * Shows the way back from a denial in `box`: the session's recovery as a summary and numbered
 * steps, the settings address to paste where the page cannot open it, and an "Open settings"
 * button where the app can open them. Text only: nothing from the recovery is parsed as HTML.
 */
export function showWayBack(
  box: HTMLElement,
  recovery: DeniedRecovery | undefined,
  options: WayBackOptions = {},
): void {
  const doc = box.ownerDocument;
  const part = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string) => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  box.replaceChildren();
  if (!recovery) {
    box.append(part('p', "This page cannot say how to allow it here: look in the browser's site settings."));
    return;
  }
  box.dataset.target = recovery.target;
  box.dataset.platform = recovery.platform;
  box.append(part('p', recovery.summary));
  const steps = part('ol');
  for (const step of recovery.steps) steps.append(part('li', step));
  box.append(steps);
  if (recovery.address !== undefined) {
    const where = part('p', 'Or paste this into the address bar: ');
    where.append(part('code', recovery.address));
    box.append(where);
  }
  if (options.open && (recovery.url !== undefined || recovery.target === 'app-settings')) {
    const open = options.open;
    const button = part('button', 'Open settings');
    button.type = 'button';
    button.id = 'open-settings';
    button.addEventListener('click', () => {
      open().catch((error: unknown) => options.onError?.(error));
    });
    box.append(button);
  }
}
