import { expect, onTestFinished, test } from 'vitest';
import { createBrowserAdapter, type PermissionsLike } from '../src/index.js';
import { setMicrophonePermission } from '@micgate/chromium-rig/page';

/**
 * A frame whose permissions policy does not allow the microphone (an iframe without
 * allow="microphone", or with allow="microphone 'none'") can never record, whatever the site's
 * permission says: the Permissions API still reports the site's 'granted' there. The frame here is
 * same-origin with `allow="microphone 'none'"`, so the test can reach into it; a cross-origin frame
 * without `allow` gets the same policy.
 */
async function frameWithoutMicrophone(): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.setAttribute('allow', "microphone 'none'");
  frame.srcdoc = '<!doctype html><title>embedded</title>';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  onTestFinished(() => frame.remove());
  return frame;
}

test("in a frame whose permissions policy blocks the microphone, status is denied with the reason, although the site's permission is granted", async () => {
  await setMicrophonePermission('granted');
  const frame = await frameWithoutMicrophone();
  const inner = frame.contentWindow as Window & typeof globalThis;
  const innerPermissions = inner.navigator.permissions as unknown as PermissionsLike;
  // What the Permissions API says inside the frame: the site's decision, not the frame's.
  expect((await innerPermissions.query({ name: 'microphone' })).state).toBe('granted');

  const adapter = createBrowserAdapter({ permissions: innerPermissions, window: inner, document: inner.document });
  expect(await adapter.status()).toBe('denied');
  expect(adapter.reason).toMatch(/permissions policy/);
  expect(adapter.reason).toMatch(/allow="microphone"/);
  adapter.close();
});

test('in the top-level page the policy allows the microphone: status is the permission, and no reason', async () => {
  await setMicrophonePermission('granted');
  const adapter = createBrowserAdapter();
  expect(await adapter.status()).toBe('granted');
  expect(adapter.reason).toBeUndefined();
  adapter.close();
});
