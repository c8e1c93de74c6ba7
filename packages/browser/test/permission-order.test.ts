import type { RecordPermission } from '@micgate/core';
import { describe, expect, test } from 'vitest';
import { createBrowserAdapter, type PermissionsLike } from '../src/index.js';

/**
 * Firefox settles getUserMedia before it stores a remembered Block: a query made right after the
 * NotAllowedError still reads 'prompt', and resolves after the `change` event that says 'denied'
 * (measured in Firefox ESR 153, test-firefox/). A PermissionStatus scripted with that order.
 */
function firefoxOrder(storeDelayMs: number, queryDelayMs: number) {
  let state = 'prompt';
  const watched: (EventTarget & { state: string })[] = [];
  const permissions: PermissionsLike = {
    // The answer is read when the query starts and handed over later: a change in between is missed.
    query: async () => {
      const read = state;
      await new Promise((resolve) => setTimeout(resolve, queryDelayMs));
      const snapshot = Object.assign(new EventTarget(), { state: read });
      watched.push(snapshot);
      return snapshot;
    },
  };
  const getUserMedia = async (): Promise<MediaStream> => {
    setTimeout(() => {
      state = 'denied';
      for (const status of watched) {
        status.state = state;
        status.dispatchEvent(new Event('change'));
      }
    }, storeDelayMs);
    throw new DOMException('The request is not allowed by the user agent', 'NotAllowedError');
  };
  return { permissions, getUserMedia };
}

describe('the permission after a prompt, in the order Firefox reports it', () => {
  test('a query started before the `change` event never overrides it: the denial stays', async () => {
    const adapter = createBrowserAdapter(firefoxOrder(20, 80));
    const seen: RecordPermission[] = [];
    const subscription = adapter.changes!().subscribe((value) => seen.push(value));
    await new Promise((resolve) => setTimeout(resolve, 120)); // the first query settles
    expect(await adapter.prompt({ usageDescription: 'To record a memo.' })).toBe('denied');
    await new Promise((resolve) => setTimeout(resolve, 300));
    subscription.unsubscribe();
    expect(seen).toEqual(['denied']);
    expect(await adapter.status()).toBe('denied');
  });
});
