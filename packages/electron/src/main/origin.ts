import { InvalidArgumentError } from '@micgate/core';

const SPECIAL_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);

/**
 * The origin of a URL (or of an origin string) as Electron's `WebFrameMain.origin` spells it.
 * WHATWG URL gives "null" for file: and for custom schemes (app://bundle); Chromium treats
 * `file://` and `scheme://host` as the origin, so those are built by hand.
 * Returns undefined for anything that is not a URL.
 */
export function originOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (SPECIAL_SCHEMES.has(parsed.protocol)) return parsed.origin;
  if (parsed.protocol === 'file:') return 'file://';
  if (parsed.host === '') return undefined; // about:blank, data:, opaque origins: never the app's own
  return `${parsed.protocol}//${parsed.host}`;
}

/** Every local file: the one `allowedOrigins` entry that lets any `file:` page ask. */
export const EVERY_LOCAL_FILE = 'file://';

/**
 * An entry names an origin only: `app://bundle`, `http://localhost:5173`, or `file://` for every
 * local file (Chromium gives every file: page the one origin `file://`, so a path such as
 * `file:///opt/app/index.html` cannot narrow it, and is refused rather than silently widened).
 */
function entryOrigin(entry: unknown): string | undefined {
  if (typeof entry !== 'string') return undefined;
  if (entry === EVERY_LOCAL_FILE || entry === 'file:///') return 'file://';
  let parsed: URL;
  try {
    parsed = new URL(entry);
  } catch {
    return undefined;
  }
  if (parsed.protocol === 'file:') return undefined;
  const hasPath = parsed.pathname !== '' && parsed.pathname !== '/';
  if (hasPath || parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '')
    return undefined;
  return originOf(entry);
}

/** The app's own origins, normalised; refuses anything that is not an origin, naming the field. */
export function originMatcher(allowedOrigins: unknown): (candidate: string | null | undefined) => boolean {
  if (!Array.isArray(allowedOrigins) || allowedOrigins.length === 0) {
    throw new InvalidArgumentError(
      'allowedOrigins',
      allowedOrigins,
      'a non-empty array of origins such as "app://bundle"',
    );
  }
  const allowed = new Set<string>();
  for (const [index, entry] of allowedOrigins.entries()) {
    const origin = entryOrigin(entry);
    if (origin === undefined) {
      throw new InvalidArgumentError(
        `allowedOrigins[${index}]`,
        entry,
        'an origin without a path, such as "app://bundle" or "http://localhost:5173" ("file://" allows every local file)',
      );
    }
    allowed.add(origin);
  }
  return (candidate) => {
    if (typeof candidate !== 'string' || candidate === '') return false;
    const origin = originOf(candidate);
    return origin !== undefined && allowed.has(origin);
  };
}
