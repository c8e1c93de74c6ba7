/**
 * Plays the user in Firefox's own UI: the site permissions (Page Info → Permissions, the identity
 * panel's ×) and the microphone prompt. Everything runs in the browser window's privileged scope
 * (browser.xhtml), reached over WebDriver BiDi with `moz:scope: 'chrome'`; Firefox allows that only
 * with `-remote-allow-system-access` (firefox.js). BiDi's own `permissions.setPermission` does not
 * know "microphone" in Firefox 153.
 */

/** @typedef {'undetermined' | 'denied' | 'granted'} RecordPermission */
/** @typedef {'grant' | 'deny'} PromptAnswer */

/** @type {WeakMap<object, Promise<string>>} */
const chromeContexts = new WeakMap();

/**
 * The browser window's browsing context id (cached per browser).
 * @param {import('puppeteer-core').Browser} browser
 */
function chromeContext(browser) {
  let context = chromeContexts.get(browser);
  if (!context) {
    context = (async () => {
      const connection = /** @type {{ send(method: string, params: object): Promise<{ result: any }> }} */ (
        /** @type {any} */ (browser).connection
      );
      const { result } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
      const window = result.contexts.find((/** @type {{ url: string }} */ c) => c.url.endsWith('browser.xhtml'));
      if (!window)
        throw new Error('Firefox gave no browser.xhtml context: was it started with -remote-allow-system-access?');
      return /** @type {string} */ (window.context);
    })();
    chromeContexts.set(browser, context);
  }
  return context;
}

/**
 * Run `fn(arg)` in the browser window and return its (JSON) result. `fn` is sent as source: it
 * sees the window's globals (Services, gBrowser, PopupNotifications, ChromeUtils).
 * @template T
 * @param {import('puppeteer-core').Browser} browser
 * @param {(arg: any) => T | Promise<T>} fn
 * @param {unknown} [arg]
 * @returns {Promise<T>}
 */
export async function inBrowserWindow(browser, fn, arg = null) {
  const connection = /** @type {any} */ (browser).connection;
  const { result } = await connection.send('script.evaluate', {
    expression: `(async () => JSON.stringify(await (${fn.toString()})(${JSON.stringify(arg)}) ?? null))()`,
    target: { context: await chromeContext(browser) },
    awaitPromise: true,
    resultOwnership: 'none',
  });
  if (result.type === 'exception') {
    throw new Error(`in Firefox's window: ${result.exceptionDetails?.text ?? 'exception'}`);
  }
  return JSON.parse(result.result.value);
}

/* The functions below run inside Firefox (their source is sent); they may use only their argument. */

/** @param {{ origin: string, state: RecordPermission }} arg */
function setSitePermission({ origin, state }) {
  const g = /** @type {any} */ (globalThis);
  const { SitePermissions } = g.ChromeUtils.importESModule('resource:///modules/SitePermissions.sys.mjs');
  const { webrtcUI } = g.ChromeUtils.importESModule('resource:///modules/webrtcUI.sys.mjs');
  const principal = g.Services.scriptSecurityManager.createContentPrincipalFromOrigin(origin);
  const tab = g.gBrowser.browsers.find((/** @type {any} */ b) => b.currentURI?.prePath === origin);
  if (state === 'undetermined') {
    // The identity panel's × next to "Use the microphone": forgets every grant (also the
    // grace period that lets a page re-open the microphone without asking) and stops sharing.
    if (tab) webrtcUI.clearPermissionsAndStopSharing(['microphone'], tab);
    SitePermissions.removeFromPrincipal(principal, 'microphone', tab);
    return;
  }
  // Page Info → Permissions → "Use the microphone": Allow or Block, remembered for the site.
  // A temporary decision from an earlier prompt (this tab only) would win over it: drop that one
  // first. Only that one: removing the remembered decision too would fire a `change` to prompt.
  if (tab?.browserId) g.Services.perms.removeFromPrincipalForBrowser(principal, 'microphone', tab.browserId);
  SitePermissions.setForPrincipal(
    principal,
    'microphone',
    state === 'granted' ? SitePermissions.ALLOW : SitePermissions.BLOCK,
    SitePermissions.SCOPE_PERSISTENT,
    tab,
  );
}

/** @param {{ answer: PromptAnswer, remember: boolean, timeoutMs: number }} arg */
async function clickMicrophonePrompt({ answer, remember, timeoutMs }) {
  const g = /** @type {any} */ (globalThis);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = g.PopupNotifications.panel.querySelector('popupnotification[popupid="webRTC-shareDevices"]');
    if (shown && g.PopupNotifications.panel.state === 'open') {
      if (shown.checkbox && !shown.checkbox.hidden) shown.checkbox.checked = remember;
      (answer === 'grant' ? shown.button : shown.secondaryButton).click();
      return;
    }
    // Firefox shows a tab's prompt only while that tab is selected: the user switches to it.
    const asking = g.gBrowser.browsers.find((/** @type {any} */ b) =>
      g.PopupNotifications.getNotification('webRTC-shareDevices', b),
    );
    if (asking && asking !== g.gBrowser.selectedBrowser) g.gBrowser.selectedTab = g.gBrowser.getTabForBrowser(asking);
    if (Date.now() > deadline) {
      const tabs = g.gBrowser.browsers.map((/** @type {any} */ b) => b.currentURI?.spec).join(', ');
      throw new Error(
        `no microphone prompt within ${timeoutMs} ms (a tab asking: ${Boolean(asking)}; selected: ${g.gBrowser.selectedBrowser.currentURI?.spec}; tabs: ${tabs})`,
      );
    }
    await new Promise((resolve) => g.setTimeout(resolve, 20));
  }
}

/** @returns {number} */
function openMicrophonePrompts() {
  const g = /** @type {any} */ (globalThis);
  return g.PopupNotifications.panel.querySelectorAll('popupnotification[popupid="webRTC-shareDevices"]').length;
}

/**
 * Set the microphone permission of `origin` as the user would in Firefox's site permissions:
 * granted/denied = Page Info's Allow/Block (remembered; Firefox keeps a live capture running on
 * Block), undetermined = the identity panel's × (forgets the decision and stops sharing).
 * The page's PermissionStatus fires `change`.
 * @param {import('puppeteer-core').Browser} browser
 * @param {string} origin
 * @param {RecordPermission} state
 */
export function setMicrophonePermission(browser, origin, state) {
  if (!['undetermined', 'denied', 'granted'].includes(state))
    throw new TypeError(`state must be undetermined, denied or granted; got ${String(state)}`);
  return inBrowserWindow(browser, setSitePermission, { origin, state });
}

/**
 * Answer Firefox's microphone prompt (waits up to `timeoutMs` for it to open): Allow or Block,
 * with "Remember this decision" checked when `remember` (default true).
 * @param {import('puppeteer-core').Browser} browser
 * @param {PromptAnswer} answer
 * @param {{ remember?: boolean, timeoutMs?: number }} [options]
 */
export function answerMicrophonePrompt(browser, answer, options = {}) {
  if (answer !== 'grant' && answer !== 'deny')
    throw new TypeError(`answer must be grant or deny; got ${String(answer)}`);
  return inBrowserWindow(browser, clickMicrophonePrompt, {
    answer,
    remember: options.remember ?? true,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
}

/**
 * How many microphone prompts Firefox shows right now.
 * @param {import('puppeteer-core').Browser} browser
 */
export function microphonePrompts(browser) {
  return inBrowserWindow(browser, openMicrophonePrompts);
}
