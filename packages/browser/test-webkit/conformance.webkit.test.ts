/**
 * The conformance suite in WebKitGTK 2.50 (tooling/webkit-rig): Vitest browser mode crashes WebKitGTK
 * here, so the suite's own functions run in a page of the embedding host (test-webkit/page) and each
 * outcome becomes one test of this file: passed, failed with the page's error, or skipped with the
 * reason the WebKit rig cannot stage it. Real capture from the audio rig's source, WebKit's own
 * prompt answered by the played user, its default autoplay policy, no `change` event (the adapter
 * re-checks when the page is visible again: the host hides and shows the window for real).
 */
import { fileURLToPath } from 'node:url';
import { startWebKitSuite } from '@micgate/webkit-rig/suite';
import { afterAll, describe, expect, test } from 'vitest';
import { isFlaky, knownFailure } from './known-failures.js';

const suite = await startWebKitSuite({ root: fileURLToPath(new URL('./page/', import.meta.url)) });
afterAll(() => suite.close());

describe('in WebKitGTK', () => {
  test('the page collected the whole suite', () => {
    expect(suite.names.length).toBeGreaterThan(40);
  });
  for (const [index, name] of suite.names.entries()) {
    const known = knownFailure(name);
    if (known !== undefined) {
      test(`${name} [fails in WebKit: ${known}]`, async () => {
        const outcome = await suite.run(index);
        expect(outcome.state, 'it passes now: take it off KNOWN_WEBKIT_FAILURES').toBe('failed');
      });
      continue;
    }
    test(name, { retry: isFlaky(name) ? 2 : 0 }, async (ctx) => {
      const outcome = await suite.run(index);
      if (outcome.state === 'skipped') ctx.skip(outcome.reason);
      if (outcome.state === 'failed') throw new Error(`in WebKit: ${outcome.error}`);
      expect(outcome.state).toBe('passed');
    });
  }
});
