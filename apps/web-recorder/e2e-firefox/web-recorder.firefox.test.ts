/**
 * The built page in headless Firefox ESR (tooling/firefox-rig), capturing the audio rig's 440 Hz
 * sine through PulseAudio, with Firefox's default autoplay policy and its real permission prompt:
 * the test clicks Allow on it, and turns access off in Firefox's site permissions, as the user
 * would. Every read of the page goes through BiDi `script.evaluate` with `userActivation: false`
 * (puppeteer's own evaluate counts as a user gesture, which would hide the autoplay policy).
 * Screenshots: test-results/firefox/<width>/<state>.png.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type AudioRig, startRig } from '@micgate/audio-rig';
import { decodeWav, measureLevel } from '@micgate/core';
import {
  answerMicrophonePrompt,
  firefoxLaunchOptions,
  launchFirefox,
  setMicrophonePermission,
} from '@micgate/firefox-rig';
import { measureTone } from '@micgate/test-utils';
import type { Browser, Page } from 'puppeteer-core';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = fileURLToPath(new URL('../test-results/firefox/', import.meta.url));
const SINE = { frequency: 440, amplitude: 0.5, rms: 0.5 / Math.SQRT2 };

let rig: AudioRig;
let server: PreviewServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  rig = await startRig(SINE);
  // The BUILT page (`vite build` runs first in the test:firefox script), as it would be deployed.
  server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview gave no URL');
  origin = new URL(url).origin.replace('127.0.0.1', 'localhost');
  browser = await launchFirefox(firefoxLaunchOptions({ ...process.env, ...rig.env }));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rig?.stop();
});

interface Bidi {
  send(method: string, params: object): Promise<{ result: { type: string; result?: { value: string } } }>;
}

const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];

describe.each(VIEWPORTS)('the web recorder in Firefox at $width × $height', (viewport) => {
  let page: Page;
  const shots: string[] = [];

  beforeAll(async () => {
    page = await browser.newPage();
    await page.bringToFront();
    await page.setViewport(viewport);
    mkdirSync(`${results}${viewport.width}`, { recursive: true });
  });
  afterAll(async () => {
    console.info(`Firefox screenshots at ${viewport.width}: ${shots.join(', ')}`);
    await page?.close();
  });

  /** Evaluate in the page without a user gesture (see the file comment). */
  async function read<T>(expression: string): Promise<T> {
    const connection = (browser as unknown as { connection: Bidi }).connection;
    const tree = (await connection.send('browsingContext.getTree', {})) as unknown as {
      result: { contexts: { context: string; url: string }[] };
    };
    const context = tree.result.contexts.find((c) => c.url === page.url())?.context;
    if (!context) throw new Error(`no browsing context at ${page.url()}`);
    const { result } = await connection.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${expression})))()`,
      target: { context },
      awaitPromise: true,
      userActivation: false,
    });
    if (result.type !== 'success' || !result.result) throw new Error(`evaluating ${expression} failed`);
    return JSON.parse(result.result.value) as T;
  }
  const attribute = (selector: string, name: string) =>
    read<string | null>(`document.querySelector(${JSON.stringify(selector)})?.getAttribute(${JSON.stringify(name)})`);
  const text = (selector: string) =>
    read<string | null>(`document.querySelector(${JSON.stringify(selector)})?.textContent`);
  const level = async () => ({
    rms: Number(await attribute('#level', 'data-rms')),
    frames: Number(await attribute('#level', 'data-frames')),
    gated: (await attribute('#level', 'data-gated')) === 'true',
  });
  const takeSeconds = async () => Number((await attribute('#take-length', 'data-seconds')) ?? '0');
  const state = () => attribute('#permission', 'data-state');

  async function poll<T>(what: string, get: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5_000) {
    const deadline = Date.now() + timeoutMs;
    let value = await get();
    while (!ok(value)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      value = await get();
    }
    return value;
  }

  /** A real click (BiDi input actions), as the user gives it. */
  const click = (selector: string) => page.locator(selector).click();

  async function check(name: string) {
    const path = `${results}${viewport.width}/${name}.png`;
    await page.screenshot({ path, fullPage: true });
    shots.push(path);
    expect(await read<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
    const canvas = await read<{ pixels: number; box: number; ratio: number }>(
      `(() => { const m = document.querySelector('#meter'); return { pixels: m.width, box: m.clientWidth, ratio: window.devicePixelRatio }; })()`,
    );
    expect(canvas.pixels).toBe(Math.round(canvas.box * canvas.ratio));
  }

  async function fresh(permission: 'undetermined' | 'denied' | 'granted') {
    await page.goto(`${origin}/`);
    await setMicrophonePermission(browser, origin, permission);
    await page.reload();
    await poll('the page to read the permission', state, (value) => value === permission);
  }

  test('not asked → Record at once → Continue → Allow on Firefox’s prompt → Block in the site permissions mid-take → Stop, play back, save', async () => {
    await fresh('undetermined');
    expect(await text('#purpose')).toContain('listens to your microphone');
    expect(await level()).toMatchObject({ rms: 0, frames: 0 });
    await check('not-asked');

    await click('#record');
    await poll('the explanation', () => read<boolean>(`!!document.querySelector('dialog[open]')`), Boolean);
    await poll('the take to run on silence', takeSeconds, (seconds) => seconds > 0.5);
    expect(await level()).toMatchObject({ rms: 0, gated: true });
    await check('prompt-open');

    await click('dialog[open] button:last-of-type'); // Continue
    await answerMicrophonePrompt(browser, 'grant');
    await poll('granted', state, (value) => value === 'granted');
    await poll(
      'sound on the meter',
      async () => (await level()).rms,
      (rms) => rms > 0.1,
    );
    await poll(
      'a second of microphone audio in the take',
      async () => Number(await attribute('#take-length', 'data-device-seconds')),
      (seconds) => seconds > 1,
      8_000,
    );
    expect(await rig.sourceOutputs()).toBeGreaterThan(0);
    await check('granted-recording');

    // Page Info → Block: Firefox itself keeps the capture running; the page must close it.
    await setMicrophonePermission(browser, origin, 'denied');
    await poll('denied', state, (value) => value === 'denied');
    await poll(
      'the take note',
      () => text('#take-note'),
      (note) => note?.includes('Microphone access was turned off during this take') === true,
    );
    const atRevoke = await takeSeconds();
    await poll('the take to run on as silence', takeSeconds, (seconds) => seconds > atRevoke + 0.8);
    expect(await level()).toMatchObject({ rms: 0, gated: true });
    await poll(
      'PulseAudio to see the capture closed',
      () => rig.sourceOutputs(),
      (outputs) => outputs === 0,
    );
    await check('revoked-mid-take');

    await click('#stop');
    await poll('the player', () => read<boolean>(`!document.querySelector('#playback').hidden`), Boolean);
    await poll(
      'the take’s duration',
      () => read<number>(`document.querySelector('#player').duration`),
      (seconds) => seconds > 2,
    );
    const bytes = await read<number[]>(
      `fetch(document.querySelector('#download').href).then((r) => r.arrayBuffer()).then((b) => [...new Uint8Array(b)])`,
    );
    const wav = decodeWav(new Uint8Array(bytes));
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 1 });
    const firstSound = wav.samples.findIndex((sample) => sample !== 0);
    let lastSound = wav.samples.length - 1;
    while (lastSound > 0 && wav.samples[lastSound] === 0) lastSound--;
    // Zeros while asked, the sine, then zeros after the Block, all in one continuous take.
    expect(firstSound).toBeGreaterThan(0.4 * 48_000);
    expect(wav.samples.length - lastSound).toBeGreaterThan(0.7 * 48_000);
    const sound = wav.samples.subarray(firstSound + 24_000, lastSound - 4_800);
    expect(Math.abs(measureTone(sound, 48_000).frequency - SINE.frequency) / SINE.frequency).toBeLessThan(0.02);
    expect(measureLevel(sound).rms).toBeGreaterThan(SINE.rms * 0.8);
    expect(Math.abs(wav.frames / 48_000 - (await takeSeconds()))).toBeLessThan(0.05);
    expect(await text('#take-note')).toMatch(/Saved \d+\.\d s, \d+\.\d s of it from the microphone\./);
    await check('saved');
  }, 60_000);

  test('denied: the way back in steps; Allow in Firefox’s site permissions is picked up without a reload', async () => {
    await fresh('denied');
    expect(await read<boolean>(`!document.querySelector('#denied-help').hidden`)).toBe(true);
    expect(await text('#denied-help')).toContain('no reload needed');
    await check('denied');
    expect(await read<boolean>('(window.sameDocument = true)')).toBe(true);
    await setMicrophonePermission(browser, origin, 'granted');
    await poll('granted', state, (value) => value === 'granted');
    expect(await read<boolean>(`document.querySelector('#denied-help').hidden`)).toBe(true);
    expect(await read<boolean>('window.sameDocument === true')).toBe(true);
  });

  test('"Not now" in the page, then Continue and Block on Firefox’s prompt: denied, with the way back', async () => {
    await fresh('undetermined');
    await click('#allow');
    await poll('the explanation', () => read<boolean>(`!!document.querySelector('dialog[open]')`), Boolean);
    await click('dialog[open] button:first-of-type'); // Not now
    await poll(
      'the note',
      () => text('#state-note'),
      (note) => note === 'Not now: nothing was decided. Press Allow microphone when you are ready.',
    );
    expect(await state()).toBe('undetermined');
    expect(await read<string | undefined>('document.activeElement?.id')).toBe('allow');
    await check('not-now');

    await click('#allow');
    await poll('the explanation', () => read<boolean>(`!!document.querySelector('dialog[open]')`), Boolean);
    await click('dialog[open] button:last-of-type'); // Continue
    await answerMicrophonePrompt(browser, 'deny');
    await poll('denied', state, (value) => value === 'denied');
    expect(await read<boolean>(`!document.querySelector('#denied-help').hidden`)).toBe(true);
    expect(await rig.sourceOutputs()).toBe(0);
    await check('blocked-at-prompt');
  });

  test('a returning visitor (allowed before), under Firefox’s default autoplay policy', async () => {
    await fresh('granted');
    // Firefox lets an AudioContext run once the page captures (a successful getUserMedia), so a
    // granted page meters at once, without the click Chromium waits for.
    await poll(
      'the sine on the meter without a click',
      async () => (await level()).rms,
      (rms) => rms > SINE.rms * 0.8,
    );
    await poll(
      'the waveform past "starting the microphone"',
      () => attribute('#waveform', 'aria-label'),
      (label) => !label?.includes('starting'),
    );
    expect(await read<boolean>('navigator.userActivation.hasBeenActive')).toBe(false);
    await check('returning-visitor');
  });
});
