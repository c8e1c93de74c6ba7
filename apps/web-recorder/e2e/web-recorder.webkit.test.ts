/**
 * The built page in WebKitGTK 2.50 (tooling/webkit-rig's embedding host under Xvfb), capturing the
 * audio rig's 440 Hz sine through a real PulseAudio source. WebKit's own prompt is answered by the
 * played user in the host; WebKit's default autoplay policy is kept. The user's clicks are element
 * clicks run by the host as user actions (WebKit counts them as user gestures, as a real click).
 * WebKit never fires `change`: the page learns a decision made in the browser when it becomes
 * visible again. A site set to deny after a grant is reported by permissions.query as 'prompt'.
 * Screenshots: test-results/webkit/<state>.png.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type AudioRig, startRig } from '@micgate/audio-rig';
import { decodeWav, measureLevel } from '@micgate/core';
import { measureTone } from '@micgate/test-utils';
import { createPlayedUser, exposeRigSource, launchHost, startXvfb } from '@micgate/webkit-rig';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = fileURLToPath(new URL('../test-results/webkit/', import.meta.url));
const SINE = { frequency: 440, amplitude: 0.5 };

let rig: AudioRig;
let xvfb: Awaited<ReturnType<typeof startXvfb>>;
let server: PreviewServer;
let host: Awaited<ReturnType<typeof launchHost>>;
let user: ReturnType<typeof createPlayedUser>;
let url: string;
const shots: string[] = [];

beforeAll(async () => {
  rig = await startRig(SINE);
  await exposeRigSource(rig.env);
  xvfb = await startXvfb();
  // The BUILT page (`vite build` runs first in the test script), as it would be deployed.
  server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const local = server.resolvedUrls?.local[0];
  if (!local) throw new Error('vite preview gave no URL');
  url = local;
  host = await launchHost({ display: xvfb.display, env: rig.env });
  user = createPlayedUser(host);
  mkdirSync(results, { recursive: true });
}, 60_000);

afterAll(async () => {
  console.info(`WebKit screenshots: ${shots.join(', ')}`);
  await host?.close();
  await server?.close();
  await xvfb?.stop();
  await rig?.stop();
});

/** Run `body` in the page (as a user action: it carries a user gesture). */
const page = <T>(body: string) => host.script(body) as Promise<T>;
const click = (selector: string) =>
  page<boolean>(
    `const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return false; e.click(); return true;`,
  );
const state = () => page<string>(`return document.querySelector('#permission').dataset.state`);
const level = () =>
  page<{ rms: number; frames: number; gated: boolean }>(
    `const o = document.querySelector('#level'); return { rms: Number(o.dataset.rms), frames: Number(o.dataset.frames), gated: o.dataset.gated === 'true' };`,
  );
const takeSeconds = () => page<number>(`return Number(document.querySelector('#take-length').dataset.seconds ?? '0')`);
const text = (selector: string) =>
  page<string>(`return document.querySelector(${JSON.stringify(selector)})?.textContent ?? ''`);

async function shot(name: string) {
  const path = `${results}${name}.png`;
  await host.snapshot(path);
  shots.push(path);
  expect(await page<number>('return document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
}

/** A new visit: the site's remembered decision first, then the page. */
async function visit(decision: 'undetermined' | 'granted') {
  await user.reset();
  if (decision === 'granted') {
    await host.setPolicy('allow');
    await host.setQueryState('granted');
  }
  await host.load(`${url}?visit=${Date.now()}`);
  await expect.poll(state).toBe(decision);
}

// Each test starts from a fresh visit with the site's setting it names, so a retry starts clean.
// Retried because WebKitGTK here drops short stretches of capture and, now and then, reads a site
// setting changed while the page was hidden only after the adapter's re-check (both seen in CI runs
// that otherwise passed); a test that fails three times in a row still fails the run.
describe('the web recorder in WebKit', { retry: 2 }, () => {
  test('not asked → Record → Continue → WebKit asks, the user allows → the browser stops sharing mid-take → Stop, play back', async () => {
    await visit('undetermined');
    expect(await text('#purpose')).toContain('listens to your microphone');
    await shot('not-asked');

    expect(await click('#record')).toBe(true);
    await expect.poll(() => page<boolean>(`return document.querySelector('dialog')?.open === true`)).toBe(true);
    await expect.poll(takeSeconds, { timeout: 5_000 }).toBeGreaterThan(0.5);
    expect(await level()).toMatchObject({ rms: 0, gated: true });
    await shot('prompt-open');

    // Continue in the page's explanation: getUserMedia runs and WebKit's own prompt opens (held by the host).
    await page(
      `[...document.querySelectorAll('dialog button')].find((b) => b.textContent === 'Continue').click(); return 1`,
    );
    await expect.poll(() => user.pending(), { timeout: 5_000 }).toBe(1);
    user.answerNextPrompt('grant');
    await expect.poll(state).toBe('granted');
    await expect.poll(async () => (await level()).rms, { timeout: 5_000 }).toBeGreaterThan(0.1);
    await expect
      .poll(() => page<number>(`return Number(document.querySelector('#take-length').dataset.deviceSeconds)`), {
        timeout: 8_000,
      })
      .toBeGreaterThan(1.5);
    await shot('granted-recording');

    // The browser's own control stops the sharing (WebKit: capture state NONE, the track ends), and the
    // user turns the site's access off while the page is hidden. No `change` event: the page learns it
    // from the ended track and when it is visible again.
    await user.decideOutsideApp('denied');
    await expect.poll(() => text('#take-note')).toContain('Microphone access was turned off during this take');
    const atRevoke = await takeSeconds();
    await expect.poll(takeSeconds, { timeout: 5_000 }).toBeGreaterThan(atRevoke + 0.8);
    expect(await level()).toMatchObject({ rms: 0, gated: true });
    // Set to deny after a grant, the site is 'prompt' to permissions.query: the page can only say "not asked".
    expect(await state()).toBe('undetermined');
    await shot('revoked-mid-take');

    expect(await click('#stop')).toBe(true);
    await expect.poll(() => page<boolean>(`return !document.querySelector('#playback').hidden`)).toBe(true);
    const wavBase64 = await page<string>(`
      const response = await fetch(document.querySelector('#download').href);
      const bytes = new Uint8Array(await response.arrayBuffer());
      let binary = ''; for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary);`);
    const wav = decodeWav(new Uint8Array(Buffer.from(wavBase64, 'base64')));
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 1 });
    const firstSound = wav.samples.findIndex((sample) => sample !== 0);
    let lastSound = wav.samples.length - 1;
    while (lastSound > 0 && wav.samples[lastSound] === 0) lastSound--;
    // Zeros while asked, the sine, then zeros after the revoke, all in one continuous take.
    expect(firstSound).toBeGreaterThan(0.4 * 48_000);
    expect(wav.samples.length - lastSound).toBeGreaterThan(0.7 * 48_000);
    const sound = wav.samples.subarray(firstSound + 24_000, lastSound - 4_800);
    const tone = measureTone(sound, 48_000);
    console.info(
      `WebKit take: ${wav.frames} frames, tone ${tone.frequency.toFixed(1)} Hz, rms ${measureLevel(sound).rms.toFixed(4)}`,
    );
    expect(Math.abs(tone.frequency - SINE.frequency) / SINE.frequency).toBeLessThan(0.02);
    // The level of the take's 100 ms windows (median), as the Chromium test measures it: WebKit's
    // capture drops a few short stretches per take (TESTING-FIREFOX-WEBKIT.md), which pulled the
    // whole-take RMS under the bound in one CI run (0.246) while every window around them was the sine.
    expect(tone.rms).toBeGreaterThan((SINE.amplitude / Math.SQRT2) * 0.8);
    expect(await text('#take-note')).toMatch(/Saved \d+\.\d s, \d+\.\d s of it from the microphone\./);
    await shot('stopped');
  }, 90_000);

  test('"Not now" says what happened in plain words; WebKit was never asked', async () => {
    await visit('undetermined');
    const asked = (await host.status()).requests;
    expect(await click('#allow')).toBe(true);
    await page(
      `[...document.querySelectorAll('dialog button')].find((b) => b.textContent === 'Not now').click(); return 1`,
    );
    await expect
      .poll(() => text('#state-note'))
      .toBe('Not now: nothing was decided. Press Allow microphone when you are ready.');
    expect(await state()).toBe('undetermined');
    expect((await host.status()).requests).toBe(asked);
    await shot('not-now');
  });

  // WebKit never fires `change`: the adapter re-checks when the page is visible again. The user
  // allows the site in the browser with the page hidden (another window in front), then comes back.
  test('allowed in the browser while the page was hidden: picked up when it is visible again, no change event, no reload', async () => {
    await visit('undetermined');
    await page(`
      window.seen = { changes: 0, visibility: [] };
      const status = await navigator.permissions.query({ name: 'microphone' });
      status.addEventListener('change', () => window.seen.changes++);
      document.addEventListener('visibilitychange', () => window.seen.visibility.push(document.visibilityState));
      return 1;`);
    await user.decideOutsideApp('granted');
    await expect.poll(state, { timeout: 5_000 }).toBe('granted');
    const seen = await page<{ changes: number; visibility: string[] }>('return window.seen');
    // `seen` survived: the same document, no reload.
    expect(seen).toEqual({ changes: 0, visibility: ['hidden', 'visible'] });
    expect(
      await page<boolean>(
        `return document.querySelector('#allow').hidden || document.querySelector('#allow').offsetParent === null`,
      ),
    ).toBe(true);
    await shot('allowed-in-browser');
  });

  // After a denial WebKit refuses every getUserMedia in that document, even once the site is allowed,
  // until one made inside a user gesture. The page says to click; the click asks again and records.
  // The host's scripts are user actions but dispatch no input events, so the click is a pointerdown
  // dispatched inside one (a real click's first event); element.click() alone would fire none.
  test('denied, then allowed in the browser: the page says to click, and the click starts the microphone (no reload)', async () => {
    await visit('undetermined');
    expect(await click('#allow')).toBe(true);
    await page(
      `[...document.querySelectorAll('dialog button')].find((b) => b.textContent === 'Continue').click(); return 1`,
    );
    await expect.poll(() => user.pending(), { timeout: 5_000 }).toBe(1);
    user.answerNextPrompt('deny');
    await expect.poll(state).toBe('denied');
    await page('window.sameDocument = true; return 1');

    await user.decideOutsideApp('granted');
    await expect.poll(state, { timeout: 5_000 }).toBe('granted');
    const waveLabel = () => page<string>(`return document.querySelector('#waveform').getAttribute('aria-label')`);
    await expect.poll(waveLabel, { timeout: 5_000 }).toContain('click the page to start the microphone');
    expect(await level()).toMatchObject({ rms: 0, gated: true });
    await shot('allowed-after-denial-click-to-start');

    await page(`document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true })); return 1`);
    await expect.poll(async () => (await level()).rms, { timeout: 5_000 }).toBeGreaterThan(0.1);
    expect(await state()).toBe('granted');
    expect(await page<boolean>('return window.sameDocument === true')).toBe(true);
    await shot('allowed-after-denial-recording');
  });

  // Every host script is a user action, so the page is read once, 2 s after it loaded, before any
  // gesture: what it shows then happened without one. Unlike Chromium and Firefox, WebKit lets an
  // AudioContext run once getUserMedia has succeeded, and the page asks at load when access was
  // granted before: the meter runs at once, no click needed.
  test('a returning visitor (allowed before): under WebKit’s default autoplay policy the meter runs with no click', async () => {
    await user.reset();
    await host.setPolicy('allow');
    await host.setQueryState('granted');
    const asked = (await host.status()).requests;
    await host.load(`${url}?visit=${Date.now()}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const before = await page<{ state: string; rms: number; frames: number }>(
      `const o = document.querySelector('#level'); return { state: document.querySelector('#permission').dataset.state, rms: Number(o.dataset.rms), frames: Number(o.dataset.frames) };`,
    );
    console.info(`WebKit returning visitor, 2 s after load, no click: ${JSON.stringify(before)}`);
    expect(before.state).toBe('granted');
    expect(before.frames).toBeGreaterThan(0);
    expect(before.rms).toBeGreaterThan(0.1);
    // WebKit did not ask again: the site's decision was remembered.
    expect((await host.status()).requests - asked).toBeLessThanOrEqual(1);
    expect(await user.pending()).toBe(0);
    await shot('returning-visitor');
  });
});
