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

/**
 * An unplug in the page, since Chromium cannot stage one: its fake inputs never go away. This
 * does in the page what the browser does when a microphone is pulled out: the input leaves
 * enumerateDevices, its live tracks end ('ended' fires), getUserMedia for it fails with
 * OverconstrainedError, and `devicechange` fires; plugging it back undoes that. Everything else
 * (the listing, the tracks, the audio) is Chromium's own. It also notes which input each
 * getUserMedia opened (the page does not show it).
 */
function stageUnplug(): void {
  const media = navigator.mediaDevices;
  const enumerate = media.enumerateDevices.bind(media);
  const getUserMedia = media.getUserMedia.bind(media);
  const unplugged = new Set<string>();
  const live: MediaStreamTrack[] = [];
  const opened: string[] = [];
  const stage = window as unknown as Record<string, unknown>;
  const idOf = async (label: string) => (await enumerate()).find((device) => device.label === label)?.deviceId;
  media.enumerateDevices = async () => (await enumerate()).filter((device) => !unplugged.has(device.deviceId));
  media.getUserMedia = async (constraints) => {
    const asked = (constraints?.audio as MediaTrackConstraints | undefined)?.deviceId as { exact?: string } | undefined;
    if (asked?.exact && unplugged.has(asked.exact)) {
      throw new DOMException('the input is unplugged', 'OverconstrainedError');
    }
    const stream = await getUserMedia(constraints);
    for (const track of stream.getAudioTracks()) {
      live.push(track);
      opened.push(track.label);
    }
    return stream;
  };
  stage.openedInputs = () => opened;
  stage.unplug = async (label: string) => {
    const id = await idOf(label);
    if (!id) throw new Error(`no input called ${label}`);
    unplugged.add(id);
    for (const track of live.splice(0)) {
      if (track.label !== label || track.readyState === 'ended') continue;
      track.stop();
      track.dispatchEvent(new Event('ended'));
    }
    media.dispatchEvent(new Event('devicechange'));
  };
  stage.replug = async () => {
    unplugged.clear();
    media.dispatchEvent(new Event('devicechange'));
  };
}

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
  const pickerTexts = (on: Page = page) =>
    on.$$eval('#device option', (options) => options.map((option) => option.textContent));

  /** Screenshot, no axe violations, nothing wider than the window. */
  async function check(name: string, on: Page = page) {
    const page = on;
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
    // The browser hides the inputs' names until the microphone is allowed: only the default to pick.
    expect(await pickerTexts()).toEqual(['Default microphone']);
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
    // The grant shows the names, without a reload.
    await expect.poll(pickerTexts).toEqual(['Default microphone', 'Fake Audio Input 1', 'Fake Audio Input 2']);
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

  test('a chosen microphone, unplugged mid-take: the take goes on as silence saying "disconnected", and picks the microphone up again when it is back', async () => {
    const staged = await browser.newContext({ acceptDownloads: true, viewport });
    const tab = await staged.newPage();
    await tab.addInitScript(stageUnplug);
    await tab.goto(`${origin}/`);
    await setMicrophonePermission(tab, 'granted');
    await tab.reload();
    await tab.locator('h1').click(); // the gesture the autoplay policy waits for
    await expect.poll(() => pickerTexts(tab)).toContain('Fake Audio Input 1');
    const opened = () => tab.evaluate(() => (window as unknown as { openedInputs(): string[] }).openedInputs());
    // The meter already runs on the default input (allowed before); choosing one switches to it.
    await expect.poll(opened).toEqual(['Fake Default Audio Input']);
    await tab.locator('#device').selectOption({ label: 'Fake Audio Input 1' });
    await expect.poll(opened).toEqual(['Fake Default Audio Input', 'Fake Audio Input 1']);
    const rms = async () => Number(await tab.locator('#level').getAttribute('data-rms'));
    const seconds = async () => Number((await tab.locator('#take-length').getAttribute('data-seconds')) ?? '0');
    await tab.getByRole('button', { name: 'Record' }).click();
    await expect.poll(rms, { timeout: 5_000 }).toBeGreaterThan(0.1);
    await expect.poll(seconds, { timeout: 5_000 }).toBeGreaterThan(1);

    await tab.evaluate(() =>
      (window as unknown as { unplug(label: string): Promise<void> }).unplug('Fake Audio Input 1'),
    );
    await expect.poll(() => tab.locator('#device-note').textContent()).toContain('The microphone was disconnected');
    await expect.poll(rms).toBe(0);
    await expect.poll(() => tab.locator('#waveform').getAttribute('aria-label')).toContain('microphone disconnected');
    expect(await tab.locator('#device option:checked').textContent()).toBe('Fake Audio Input 1 (disconnected)');
    const atUnplug = await seconds();
    await expect.poll(seconds, { timeout: 5_000 }).toBeGreaterThan(atUnplug + 1);
    expect(await tab.getByRole('button', { name: 'Stop' }).isVisible()).toBe(true);
    await check('device-lost', tab);

    await tab.evaluate(() => (window as unknown as { replug(): Promise<void> }).replug());
    await expect.poll(rms, { timeout: 5_000 }).toBeGreaterThan(0.1);
    expect(await tab.locator('#device-note').textContent()).toBe('');
    expect(await tab.locator('#device option:checked').textContent()).toBe('Fake Audio Input 1');
    // Reopened by the session itself: the same input, no new subscription from the page.
    expect(await opened()).toEqual(['Fake Default Audio Input', 'Fake Audio Input 1', 'Fake Audio Input 1']);
    await tab.waitForTimeout(1_000);
    await tab.getByRole('button', { name: 'Stop' }).click();
    const [download] = await Promise.all([
      tab.waitForEvent('download'),
      tab.getByRole('link', { name: 'Download WAV' }).click(),
    ]);
    const wav = decodeWav(new Uint8Array(readFileSync((await download.path())!)));
    // Sound, then a run of zeros over a second long where the input was gone, then sound again: one take.
    const windowFrames = 4_800;
    const loud: boolean[] = [];
    for (let start = 0; start + windowFrames <= wav.frames; start += windowFrames) {
      loud.push(measureLevel(wav.samples.subarray(start, start + windowFrames)).peak > 0.1);
    }
    const firstLoud = loud.indexOf(true);
    const gapStart = loud.indexOf(false, firstLoud);
    const gapEnd = loud.indexOf(true, gapStart);
    expect(firstLoud).toBeGreaterThanOrEqual(0);
    expect(gapStart).toBeGreaterThan(firstLoud);
    expect(gapEnd).toBeGreaterThan(gapStart);
    expect((gapEnd - gapStart) * 0.1).toBeGreaterThan(1);
    const gap = wav.samples.subarray((gapStart + 1) * windowFrames, (gapEnd - 1) * windowFrames);
    expect(gap.every((sample) => sample === 0)).toBe(true);
    await staged.close();
  }, 60_000);

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
