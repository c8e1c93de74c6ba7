/** @typedef {'undetermined' | 'denied' | 'granted'} RecordPermission */

/**
 * One CDP session per page, kept open: Chromium drops permission overrides when the session
 * that set them detaches.
 * @type {WeakMap<object, Promise<{ session: import('playwright').CDPSession, browserContextId: string }>>}
 */
const sessions = new WeakMap();

/** @param {import('playwright').Page} page */
function cdpFor(page) {
  let entry = sessions.get(page);
  if (!entry) {
    entry = (async () => {
      const session = await page.context().newCDPSession(page);
      const { targetInfo } = await session.send('Target.getTargetInfo');
      if (!targetInfo.browserContextId) throw new Error('CDP gave no browserContextId for the test page');
      return { session, browserContextId: targetInfo.browserContextId };
    })();
    sessions.set(page, entry);
  }
  return entry;
}

/** @type {Record<RecordPermission, 'prompt' | 'denied' | 'granted'>} */
const SETTINGS = { undetermined: 'prompt', denied: 'denied', granted: 'granted' };

/**
 * Set the microphone permission of `page`'s origin, as the user would in the browser's site
 * settings. The page's PermissionStatus fires `change`; revoking ends live tracks.
 * @param {import('playwright').Page} page
 * @param {RecordPermission} state
 * @param {string} [origin] defaults to the page's origin
 */
export async function setMicrophonePermission(page, state, origin = new URL(page.url()).origin) {
  const setting = SETTINGS[/** @type {keyof typeof SETTINGS} */ (state)];
  if (!setting) throw new TypeError(`state must be undetermined, denied or granted; got ${String(state)}`);
  const { session, browserContextId } = await cdpFor(page);
  await session.send('Browser.setPermission', {
    permission: { name: 'microphone' },
    setting,
    origin,
    browserContextId,
  });
}

/** Vitest browser commands (run in Node, called from the page through `commands` of `vitest/browser`). */
export const micgateCommands = {
  /**
   * @param {{ page: import('playwright').Page }} context
   * @param {RecordPermission} state
   */
  setMicrophonePermission: (context, state) => setMicrophonePermission(context.page, state),
};
