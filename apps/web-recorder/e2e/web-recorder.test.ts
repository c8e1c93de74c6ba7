/**
 * The built page in headless Chromium (default autoplay policy: capture starts from the user's
 * clicks), with the fake microphone playing a 440 Hz sine. Headless Chromium cannot show its own
 * prompt: the test answers it for the user through the browser's permission control (CDP), before
 * the user clicks Continue in the page's explanation. Every state is checked with axe-core and
 * photographed at 390 × 844 and 1280 × 800: test-results/<width>/<state>.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import {
  chromiumLaunchOptions,
  FAKE_MICROPHONE,
  fakeMicrophoneWavPath,
  setMicrophonePermission,
  writeFakeMicrophoneWav,
} from '@micgate/chromium-rig';
import { measureTone } from '@micgate/test-utils';
import { decodeWav, measureLevel } from '@micgate/core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = fileURLToPath(new URL('../test-results/', import.meta.url));

let server: PreviewServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  const wav = await writeFakeMicrophoneWav(fakeMicrophoneWavPath());
  // The BUILT page (`vite build` runs first in the test script), as it would be deployed.
  server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview gave no URL');
  // localhost (not 127.0.0.1) is what Chromium treats as a secure context by name.
  origin = new URL(url).origin.replace('127.0.0.1', 'localhost');
  browser = await chromium.launch(chromiumLaunchOptions(wav));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];

describe.each(VIEWPORTS)('the web recorder at $width × $height', (viewport) => {
  let context: BrowserContext;
  let page: Page;
  const shots: string[] = [];

  beforeAll(async () => {
    context = await browser.newContext({ acceptDownloads: true, viewport });
    page = await context.newPage();
    mkdirSync(`${results}${viewport.width}`, { recursive: true });
  });
  afterAll(async () => {
    console.info(`screenshots at ${viewport.width}: ${shots.join(', ')}`);
    await context?.close();
  });

  const level = async () => {
    const out = page.locator('#level');
    return {
      rms: Number(await out.getAttribute('data-rms')),
      frames: Number(await out.getAttribute('data-frames')),
      gated: (await out.getAttribute('data-gated')) === 'true',
    };
  };
  const takeSeconds = async () => Number((await page.locator('#take-length').getAttribute('data-seconds')) ?? '0');
  const state = () => page.locator('#permission').getAttribute('data-state');

  /** Screenshot, no axe violations, nothing wider than the window. */
  async function check(name: string) {
    const path = `${results}${viewport.width}/${name}.png`;
    await page.screenshot({ path, fullPage: true });
    shots.push(path);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(
      axe.violations.map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      ),
    ).toEqual([]);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(viewport.width);
    // Canvases are drawn at the screen's pixel ratio for the box they have.
    const canvas = await page.$eval('#meter', (element) => {
      const meter = element as HTMLCanvasElement;
      return { pixels: meter.width, box: meter.clientWidth, ratio: window.devicePixelRatio };
    });
    expect(canvas.pixels).toBe(Math.round(canvas.box * canvas.ratio));
  }

  async function fresh(permission: 'undetermined' | 'denied' | 'granted') {
    await page.goto(`${origin}/`);
    await setMicrophonePermission(page, permission);
    await page.reload();
    await expect.poll(state).toBe(permission);
  }

  test('not asked → Record at once (silence while the explanation is open) → allowed → access revoked mid-take → Stop, play back and download', async () => {
    await fresh('undetermined');
    expect(await page.locator('#purpose').textContent()).toContain('listens to your microphone');
    await expect.poll(() => page.getByRole('button', { name: 'Record' }).isEnabled()).toBe(true);
    expect(await level()).toMatchObject({ rms: 0, frames: 0 });
    await check('not-asked');

    // Record before any grant: the take starts at once, with zeros while the question is open.
    await page.getByRole('button', { name: 'Record' }).click();
    const explanation = page.getByRole('dialog', { name: 'micgate web recorder would like to use the microphone' });
    await explanation.waitFor({ state: 'visible' });
    expect(await explanation.textContent()).toContain('listens to your microphone');
    await expect.poll(takeSeconds, { timeout: 5_000 }).toBeGreaterThan(0.5);
    expect(await level()).toMatchObject({ rms: 0, gated: true });
    const waveLabel = await page.locator('#waveform').getAttribute('aria-label');
    expect(waveLabel).toContain('silence until allowed');
    await check('prompt-open');

    await setMicrophonePermission(page, 'granted');
    await explanation.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(state).toBe('granted');
    // Focus comes back to the page's controls, not the body.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('stop');
    await expect.poll(async () => (await level()).rms, { timeout: 5_000 }).toBeGreaterThan(0.1);
    await expect
      .poll(async () => Number(await page.locator('#take-length').getAttribute('data-device-seconds')), {
        timeout: 8_000,
      })
      .toBeGreaterThan(1);
    // Screen readers hear only changes that matter: no live region is rewritten per frame.
    const liveChanges = await page.evaluate(async () => {
      const live = [...document.querySelectorAll('[role="status"], [role="alert"], [aria-live], output')];
      let changes = 0;
      const observer = new MutationObserver((records) => (changes += records.length));
      for (const node of live) observer.observe(node, { childList: true, characterData: true, subtree: true });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      observer.disconnect();
      return { changes, regions: live.map((node) => node.id) };
    });
    expect(liveChanges.regions).toEqual(['announce', 'error']);
    expect(liveChanges.changes).toBe(0); // 2 s of recording at ~47 buffers a second: nothing to announce
    await check('granted-recording');

    // Access turned off in the browser mid-take: the take goes on as silence, and says so.
    await setMicrophonePermission(page, 'denied');
    await expect.poll(state).toBe('denied');
    await expect
      .poll(() => page.locator('#take-note').textContent())
      .toContain('Microphone access was turned off during this take');
    const atRevoke = await takeSeconds();
    await expect.poll(takeSeconds, { timeout: 5_000 }).toBeGreaterThan(atRevoke + 0.8);
    expect(await level()).toMatchObject({ rms: 0, gated: true });
    expect(await page.getByRole('button', { name: 'Stop' }).isEnabled()).toBe(true);
    await check('revoked-mid-take');

    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('#playback').waitFor({ state: 'visible' });
    const audio = await page.$eval('#player', (element) => (element as HTMLAudioElement).src);
    expect(audio).toMatch(/^blob:/);
    await expect
      .poll(() => page.$eval('#player', (element) => (element as HTMLAudioElement).duration), { timeout: 5_000 })
      .toBeGreaterThan(2);
    const link = page.getByRole('link', { name: 'Download WAV' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const wav = decodeWav(new Uint8Array(readFileSync((await download.path())!)));
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 1 });
    const firstSound = wav.samples.findIndex((sample) => sample !== 0);
    let lastSound = wav.samples.length - 1;
    while (lastSound > 0 && wav.samples[lastSound] === 0) lastSound--;
    // Zeros while asked, the sine, then zeros after the revoke, all in one continuous take.
    expect(firstSound).toBeGreaterThan(0.4 * 48_000);
    expect(wav.samples.length - lastSound).toBeGreaterThan(0.7 * 48_000);
    const sound = wav.samples.subarray(firstSound + 24_000, lastSound - 4_800);
    // The median over 100 ms windows, as the conformance suite measures: Chromium's fake device
    // sometimes plays a stretch of its file fast on a loaded machine, which fools a whole-take estimate.
    expect(
      Math.abs(measureTone(sound, 48_000).frequency - FAKE_MICROPHONE.frequency) / FAKE_MICROPHONE.frequency,
    ).toBeLessThan(0.02);
    expect(measureLevel(sound).rms).toBeGreaterThan(FAKE_MICROPHONE.rms * 0.8);
    const said = Number(await page.locator('#take-length').getAttribute('data-seconds'));
    expect(Math.abs(wav.frames / 48_000 - said)).toBeLessThan(0.05);
    expect(await page.locator('#take-note').textContent()).toMatch(
      /Saved \d+\.\d s, \d+\.\d s of it from the microphone\./,
    );
  }, 60_000);

  test('denied: the way back in steps; allowing it in the browser is picked up without a reload', async () => {
    await fresh('denied');
    expect(await page.locator('#denied-help').isVisible()).toBe(true);
    // The session's way back for the browser the page runs in: Debian's Chromium.
    const help = page.locator('#denied-help');
    expect(await help.getAttribute('data-platform')).toBe('chromium');
    expect(await help.locator('p').first().textContent()).toBe(
      `Allow the microphone for ${new URL(origin).host} in Chromium's site settings.`,
    );
    expect(await help.locator('li').allTextContents()).toEqual([
      'Click the site information icon at the left of the address bar.',
      'Turn Microphone on (or set it to Allow).',
      'The page notices the change by itself: no reload needed.',
    ]);
    expect(await help.locator('code').textContent()).toBe(
      `chrome://settings/content/siteDetails?site=${encodeURIComponent(origin)}`,
    );
    expect(await page.locator('#open-settings').count()).toBe(0); // a page cannot open the browser's settings
    expect(await page.getByRole('button', { name: 'Allow microphone' }).count()).toBe(0);
    await check('denied');
    const marker = await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
      return true;
    });
    expect(marker).toBe(true);
    await setMicrophonePermission(page, 'granted');
    await expect.poll(state).toBe('granted');
    expect(await page.locator('#denied-help').isVisible()).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  test('"Not now" says what happened in plain words, and focus returns to the button', async () => {
    await fresh('undetermined');
    await page.getByRole('button', { name: 'Allow microphone' }).click();
    const explanation = page.getByRole('dialog', { name: 'micgate web recorder would like to use the microphone' });
    await explanation.getByRole('button', { name: 'Not now' }).click();
    await expect
      .poll(() => page.locator('#state-note').textContent())
      .toBe('Not now: nothing was decided. Press Allow microphone when you are ready.');
    expect(await page.locator('main').textContent()).not.toContain('Error');
    expect(await state()).toBe('undetermined');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('allow');
    await check('not-now');
  });

  test('a returning visitor (allowed before): the meter starts on the first click, as the autoplay policy wants', async () => {
    await fresh('granted');
    // Chromium holds audio until a gesture: no sound yet, and the waveform says to click.
    await page.waitForTimeout(500);
    expect((await level()).rms).toBe(0);
    await page.locator('h1').click();
    await expect.poll(async () => (await level()).rms, { timeout: 5_000 }).toBeGreaterThan(0.1);
    await check('returning-visitor');
  });
});

test('fits a 320 px wide window: nothing wider than it, canvases at their box × devicePixelRatio (2 here)', async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await setMicrophonePermission(page, 'denied');
  await page.reload();
  await expect.poll(() => page.locator('#permission').getAttribute('data-state')).toBe('denied');
  mkdirSync(`${results}320`, { recursive: true });
  await page.screenshot({ path: `${results}320/denied.png`, fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  const sizes = await page.$$eval('canvas', (canvases) =>
    canvases.map((canvas) => ({ pixels: canvas.width, box: canvas.clientWidth })),
  );
  for (const { pixels, box } of sizes) {
    expect(box).toBeGreaterThan(150);
    expect(pixels).toBe(box * 2);
  }
  await context.close();
});
