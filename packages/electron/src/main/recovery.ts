import type { DeniedRecovery } from '@micgate/core';

/** The OS privacy panes an app can open (`shell.openExternal`), by `process.platform`. */
export const PRIVACY_PANES: Readonly<Record<string, string>> = Object.freeze({
  darwin: 'x-apple.systempreferences:com.apple.preference.security?Privacy_Microphone',
  win32: 'ms-settings:privacy-microphone',
});

/** Where a denial lives: the OS's privacy settings, or the app's own decision (its dialog's answer). */
export type DenialSource = 'system' | 'app';

const OS_NAMES: Readonly<Record<string, string>> = { darwin: 'macos', win32: 'windows', linux: 'linux' };

/**
 * The way back from a denial in Electron: the OS privacy pane when the OS denied the app (macOS,
 * Windows), else the app's own setting, which the broker's `openRecoverySettings()` opens (the app's
 * `openAppSettings`). The broker tells the
 * renderers of either change (macOS and Windows on `recheck()`, which the app calls when it is activated).
 */
export function electronRecovery(source: DenialSource, os: string, appName = 'This app'): DeniedRecovery {
  const platform = OS_NAMES[os] ?? os;
  const pane = PRIVACY_PANES[os];
  if (source === 'system' && pane !== undefined) {
    const mac = os === 'darwin';
    return {
      target: 'os-privacy',
      platform,
      summary: mac
        ? `Turn on ${appName} in System Settings > Privacy & Security > Microphone.`
        : `Allow desktop apps to use the microphone in Settings > Privacy & security > Microphone.`,
      steps: mac
        ? [
            'Open System Settings > Privacy & Security > Microphone.',
            `Turn on ${appName}.`,
            `Come back to ${appName}: it notices the change.`,
          ]
        : [
            'Open Settings > Privacy & security > Microphone.',
            'Turn on "Microphone access" and "Let desktop apps access your microphone".',
            `Come back to ${appName}: it notices the change.`,
          ],
      url: pane,
      appliesWithoutReload: true,
    };
  }
  return {
    target: 'app-settings',
    platform,
    summary: `Allow the microphone in ${appName}'s settings.`,
    steps: [`Open ${appName}'s settings for the microphone.`, 'Choose Allow.'],
    appliesWithoutReload: true,
  };
}
