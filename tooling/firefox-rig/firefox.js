import puppeteer from 'puppeteer-core';

/** Debian's Firefox ESR unless MICGATE_FIREFOX says otherwise. */
export const FIREFOX_PATH = process.env.MICGATE_FIREFOX ?? '/usr/bin/firefox-esr';

/**
 * Preferences that only make Firefox quiet and its real behaviour testable. Capture goes to the
 * PulseAudio source named by PULSE_SERVER (the audio rig), never Firefox's fake device, and the
 * permission prompt is the real one. `media.autoplay.default` is left at Firefox's default (1:
 * audio waits for a user gesture).
 */
export const FIREFOX_PREFS = Object.freeze({
  // Both are Firefox's own defaults, set back on purpose: Puppeteer's automation profile turns them
  // on (a fake device, and every getUserMedia granted with no prompt), which would hide exactly what
  // a user meets. With them false the user's path runs: the real prompt, the real source.
  'media.navigator.streams.fake': false,
  'media.navigator.permission.disabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
});

/**
 * Puppeteer `launch` options: headless Firefox over WebDriver BiDi. `-remote-allow-system-access`
 * lets the driver evaluate in the browser window (chrome scope), where the site permissions and
 * the prompt live; that is how the rig plays the user (see chrome.js).
 * @param {NodeJS.ProcessEnv} [env] must carry the audio rig's PULSE_SERVER
 */
export function firefoxLaunchOptions(env = process.env) {
  if (!env.PULSE_SERVER) throw new Error('Firefox captures from the audio rig: set PULSE_SERVER (startRig().env)');
  return {
    browser: /** @type {const} */ ('firefox'),
    executablePath: FIREFOX_PATH,
    headless: true,
    args: ['-remote-allow-system-access'],
    env: { ...env, MOZ_HEADLESS: '1' },
    extraPrefsFirefox: { ...FIREFOX_PREFS },
  };
}

/** @param {ReturnType<typeof firefoxLaunchOptions>} [options] */
export function launchFirefox(options = firefoxLaunchOptions()) {
  return puppeteer.launch(options);
}
