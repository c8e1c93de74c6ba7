import type { DeniedRecovery } from '@micgate/core';

/** The browsers whose site settings micgate can describe; 'browser' for any other. */
export type BrowserFamily = 'chrome' | 'edge' | 'chromium' | 'firefox' | 'safari' | 'browser';

/** What identifies the browser: `navigator.userAgentData.brands` (Chromium only) and `navigator.userAgent`. */
export interface BrowserIdentity {
  brands?: readonly { brand: string }[] | undefined;
  userAgent?: string | undefined;
}

/** Which browser the page runs in: the brands first (Chromium tells Chrome from Chromium there), then the user agent. */
export function detectBrowser(identity: BrowserIdentity): BrowserFamily {
  const brands = (identity.brands ?? []).map(({ brand }) => brand);
  if (brands.includes('Microsoft Edge')) return 'edge';
  if (brands.includes('Google Chrome')) return 'chrome';
  if (brands.includes('Chromium')) return 'chromium'; // also Brave, Opera, Vivaldi: Chromium's steps
  const ua = identity.userAgent ?? '';
  if (/\bEdg(A|iOS)?\//.test(ua)) return 'edge';
  if (/\b(Firefox|FxiOS)\//.test(ua)) return 'firefox';
  if (/\b(Chrome|Chromium|CriOS)\//.test(ua)) return 'chrome';
  if (/\bSafari\//.test(ua) && /\bVersion\//.test(ua)) return 'safari';
  return 'browser';
}

const NAMES: Record<BrowserFamily, string> = {
  chrome: 'Chrome',
  edge: 'Edge',
  chromium: 'Chromium',
  firefox: 'Firefox',
  safari: 'Safari',
  browser: 'your browser',
};

const PICKED_UP = 'The page notices the change by itself: no reload needed.';
const RELOAD = 'Then reload the page.';

/**
 * The way back from a denial in the browser: the site settings of the browser the page runs in.
 * `watched`: the Permissions API answers for the microphone, so the adapter's permission watcher
 * (PermissionStatus `change`, and a re-check on focus and visibility where `change` never fires)
 * brings the change to the running page; without it (older Firefox) only a reload does.
 */
export function browserRecovery(family: BrowserFamily, origin: string, watched = true): DeniedRecovery {
  const site = siteName(origin);
  const name = NAMES[family];
  const summary =
    family === 'browser'
      ? `Allow the microphone for ${site} in your browser's site settings.`
      : `Allow the microphone for ${site} in ${name}'s site settings.`;
  const base = { target: 'site-settings', platform: family, summary, appliesWithoutReload: watched } as const;
  const last = watched ? PICKED_UP : RELOAD;
  switch (family) {
    case 'chrome':
    case 'chromium':
    case 'edge': {
      const scheme = family === 'edge' ? 'edge' : 'chrome';
      return {
        ...base,
        steps: [
          `Click the site information icon at the left of the address bar.`,
          family === 'edge'
            ? 'Open "Permissions for this site" and set Microphone to Allow.'
            : 'Turn Microphone on (or set it to Allow).',
          last,
        ],
        address: `${scheme}://settings/content/siteDetails?site=${encodeURIComponent(origin)}`,
      };
    }
    case 'firefox':
      return {
        ...base,
        steps: [
          'Click the crossed-out microphone at the left of the address bar.',
          'Clear "Blocked" next to "Use the microphone".',
          'Allow the microphone when the page asks again.',
          last,
        ],
        address: 'about:preferences#privacy',
      };
    case 'safari':
      return {
        ...base,
        steps: [`In the menu bar choose Safari > Settings for ${site}…`, 'Set Microphone to Allow.', last],
      };
    case 'browser':
      return {
        ...base,
        steps: [
          "Open this site's settings (usually the icon at the left of the address bar).",
          'Allow the microphone.',
          last,
        ],
      };
  }
}

/** The host the user sees in the address bar; the origin itself when it has none (a file: page). */
function siteName(origin: string): string {
  try {
    const { host } = new URL(origin);
    return host === '' ? origin : host;
  } catch {
    return origin;
  }
}
