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

/** The app's own origins, normalised; refuses anything that is not an origin, naming the field. */
export function originMatcher(allowedOrigins: unknown): (candidate: string | null | undefined) => boolean {
  if (!Array.isArray(allowedOrigins) || allowedOrigins.length === 0) {
    throw new InvalidArgumentError('allowedOrigins', allowedOrigins, 'a non-empty array of origins such as "app://bundle"');
  }
  const allowed = new Set<string>();
  for (const [index, entry] of allowedOrigins.entries()) {
    const origin = typeof entry === 'string' ? originOf(entry) : undefined;
    if (origin === undefined) {
      throw new InvalidArgumentError(`allowedOrigins[${index}]`, entry, 'an origin such as "app://bundle" or "http://localhost:5173"');
    }
    allowed.add(origin);
  }
  return (candidate) => {
    if (typeof candidate !== 'string' || candidate === '') return false;
    const origin = originOf(candidate);
    return origin !== undefined && allowed.has(origin);
  };
}
