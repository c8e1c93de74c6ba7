import type { WebKitHost } from './index.js';

export type TestOutcome =
  | { state: 'passed'; ms: number }
  | { state: 'skipped'; reason: string; ms: number }
  | { state: 'failed'; error: string; ms: number };

export interface WebKitSuite {
  /** The page's tests, in the order they run (full names, describe names joined with ' > '). */
  readonly names: string[];
  readonly host: WebKitHost;
  /** Run test `index` in the page. */
  run(index: number): Promise<TestOutcome>;
  close(): Promise<void>;
}

/**
 * Build the page in `root` (an index.html whose script registers tests through 'vitest', mapped to
 * the runner's shim, and calls serveTests()), start the audio rig, Xvfb and the host, load the page.
 */
export function startWebKitSuite(options: { root: string; listTimeoutMs?: number }): Promise<WebKitSuite>;
