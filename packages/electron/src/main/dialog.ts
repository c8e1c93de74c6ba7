import type { RecordPermission } from '@micgate/core';
import type { BaseWindow, Dialog, MessageBoxOptions } from 'electron';

/** The buttons of the app's dialog, in order; Esc and closing the box mean "Not Now" (undetermined). */
export const DIALOG_BUTTONS = Object.freeze(['Allow', "Don't Allow", 'Not Now'] as const);

export interface DialogRequest {
  usageDescription: string;
  /** Shown as the title and in the message; none: "This app". */
  appName: string | undefined;
  /** The window the box belongs to; none: an app-wide box. */
  parent: BaseWindow | null | undefined;
}

/** The app's own question, as a native message box; the answer is the button the user chose. */
export async function askWithDialog(
  dialog: Pick<Dialog, 'showMessageBox'>,
  request: DialogRequest,
): Promise<RecordPermission> {
  const { appName, parent } = request;
  const box: MessageBoxOptions = {
    type: 'question',
    title: appName ?? 'Microphone',
    message: `${appName ?? 'This app'} would like to use the microphone.`,
    detail: request.usageDescription,
    buttons: [...DIALOG_BUTTONS],
    defaultId: 2,
    cancelId: 2,
    noLink: true,
  };
  const { response } = parent ? await dialog.showMessageBox(parent, box) : await dialog.showMessageBox(box);
  if (response === 0) return 'granted';
  if (response === 1) return 'denied';
  return 'undetermined';
}
