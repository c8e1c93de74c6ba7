import { createAudioSession, isDeniedRecovery } from '@micgate/core';
import {
  clickPage,
  createMicrophoneGate,
  type MicrophoneGate,
  setMicrophonePermission,
  waitFor,
} from '@micgate/chromium-rig/page';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createBrowserAdapter } from '../src/index.js';
import { browserRecovery, detectBrowser } from '../src/recovery.js';

beforeAll(() => clickPage());

let gate: MicrophoneGate;
beforeEach(async () => {
  await setMicrophonePermission('undetermined');
  gate = createMicrophoneGate();
});
afterEach(() => gate.dispose());

describe('the browser way back from denied', () => {
  test("a denied page gets Chromium's site-settings steps, and a grant there reaches the running recording without a reload", async () => {
    await setMicrophonePermission('denied');
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const session = createAudioSession({ adapter, usageDescription: 'Tests the way back.' });
    expect(await session.requestRecordPermission()).toBe(false);

    const recovery = session.recovery;
    expect(isDeniedRecovery(recovery)).toBe(true);
    // Debian's Chromium names itself in navigator.userAgentData.brands.
    expect(recovery).toMatchObject({
      target: 'site-settings',
      platform: 'chromium',
      summary: `Allow the microphone for ${location.host} in Chromium's site settings.`,
      address: `chrome://settings/content/siteDetails?site=${encodeURIComponent(location.origin)}`,
      appliesWithoutReload: true,
    });
    expect(recovery!.steps).toContain('Turn Microphone on (or set it to Allow).');

    let deviceFrames = 0;
    const recording = session.record({ sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 }).subscribe((frame) => {
      if (!frame.gated) deviceFrames++;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deviceFrames).toBe(0);

    // The user allows it in the browser's own settings (the rig sets the origin's permission through CDP).
    await setMicrophonePermission('granted');
    await waitFor(() => session.recordPermission === 'granted', 5_000, 'the grant to reach the page');
    expect(session.recovery).toBeUndefined();
    await waitFor(() => deviceFrames >= 5, 8_000, 'device audio after the grant');
    recording.unsubscribe();
    session.close();
    adapter.close();
  });

  test('detects the browser from userAgentData brands, then the user agent', () => {
    const ua = {
      chrome:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
      firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
      safari:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
    };
    expect(detectBrowser({ brands: [{ brand: 'Chromium' }, { brand: 'Not.A/Brand' }], userAgent: ua.chrome })).toBe(
      'chromium',
    );
    expect(detectBrowser({ brands: [{ brand: 'Chromium' }, { brand: 'Google Chrome' }], userAgent: ua.chrome })).toBe(
      'chrome',
    );
    expect(detectBrowser({ brands: [{ brand: 'Chromium' }, { brand: 'Microsoft Edge' }], userAgent: ua.edge })).toBe(
      'edge',
    );
    expect(detectBrowser({ userAgent: ua.edge })).toBe('edge');
    expect(detectBrowser({ userAgent: ua.chrome })).toBe('chrome');
    expect(detectBrowser({ userAgent: ua.firefox })).toBe('firefox');
    expect(detectBrowser({ userAgent: ua.safari })).toBe('safari');
    expect(detectBrowser({ userAgent: 'SomethingElse/1.0' })).toBe('browser');
    expect(detectBrowser({})).toBe('browser');
  });

  test('every browser gets well-formed steps; without the Permissions API it says to reload', () => {
    for (const family of ['chrome', 'edge', 'chromium', 'firefox', 'safari', 'browser'] as const) {
      const recovery = browserRecovery(family, 'https://notes.example:8443');
      expect(isDeniedRecovery(recovery), family).toBe(true);
      expect(recovery.summary).toContain('notes.example:8443');
      expect(recovery.steps.at(-1)).toBe('The page notices the change by itself: no reload needed.');
    }
    expect(browserRecovery('edge', 'https://a.example').address).toBe(
      'edge://settings/content/siteDetails?site=https%3A%2F%2Fa.example',
    );
    expect(browserRecovery('safari', 'https://a.example').steps[0]).toBe(
      'In the menu bar choose Safari > Settings for a.example…',
    );
    const unwatched = browserRecovery('firefox', 'https://a.example', false);
    expect(unwatched).toMatchObject({ appliesWithoutReload: false, address: 'about:preferences#privacy' });
    expect(unwatched.steps.at(-1)).toBe('Then reload the page.');
  });

  test('a frame whose permissions policy blocks the microphone has no way back for the user', async () => {
    const blocked = Object.assign(new EventTarget(), { permissionsPolicy: { allowsFeature: () => false } });
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, document: blocked });
    expect(await adapter.status()).toBe('denied');
    expect(adapter.reason).toContain('allow="microphone"');
    expect(adapter.recovery()).toBeUndefined();
    adapter.close();
  });

  test('an adapter without the Permissions API says a reload is needed', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, permissions: null });
    await adapter.status();
    expect(adapter.recovery()).toMatchObject({ appliesWithoutReload: false });
    adapter.close();
  });
});
