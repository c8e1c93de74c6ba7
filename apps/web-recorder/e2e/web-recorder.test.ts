import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions, FAKE_MICROPHONE, fakeMicrophoneWavPath, setMicrophonePermission, writeFakeMicrophoneWav } from '@micgate/browser/test-support';
import { estimateFrequency } from '@micgate/test-utils';
import { decodeWav } from '@micgate/core';
import { type Browser, chromium, type Page } from 'playwright';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const screenshotPath = fileURLToPath(new URL('../test-results/web-recorder.png', import.meta.url));

let server: PreviewServer;
let browser: Browser;
let page: Page;
let origin: string;

beforeAll(async () => {
  await writeFakeMicrophoneWav(fakeMicrophoneWavPath());
  // The BUILT page (`vite build` runs first in the test script), as it would be deployed.
  server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview gave no URL');
  // localhost (not 127.0.0.1) is what Chromium treats as a secure context by name.
  origin = new URL(url).origin.replace('127.0.0.1', 'localhost');
  browser = await chromium.launch(chromiumLaunchOptions());
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 800, height: 720 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const level = async () => {
  const out = page.locator('#level');
  return { rms: Number(await out.getAttribute('data-rms')), frames: Number(await out.getAttribute('data-frames')), gated: (await out.getAttribute('data-gated')) === 'true' };
};

test('ask, meter (silent before the grant, moving after), record, download a WAV of the fake microphone’s sine', async () => {
  await page.goto(`${origin}/`);
  await setMicrophonePermission(page, 'undetermined');
  await page.reload();
  await expect.poll(() => page.locator('#permission').getAttribute('data-state')).toBe('undetermined');
  expect(await page.locator('#purpose').textContent()).toContain('listens to your microphone');
  expect(await level()).toMatchObject({ rms: 0, frames: 0 });

  // The user clicks "Allow microphone": the page explains why, and silence flows meanwhile.
  await page.getByRole('button', { name: 'Allow microphone' }).click();
  const explanation = page.locator('dialog.micgate-explanation');
  await explanation.waitFor({ state: 'visible' });
  expect(await explanation.textContent()).toContain('listens to your microphone');
  await expect.poll(async () => (await level()).frames, { timeout: 5_000 }).toBeGreaterThan(20);
  const silent = await level();
  expect(silent).toMatchObject({ rms: 0, gated: true });

  // Headless Chromium cannot show its own prompt: the test answers it for the user through the
  // browser's permission control, then the user continues past the explanation.
  await setMicrophonePermission(page, 'granted');
  await explanation.getByRole('button', { name: 'Continue' }).click();
  await expect.poll(() => page.locator('#permission').getAttribute('data-state')).toBe('granted');
  await expect.poll(async () => (await level()).rms, { timeout: 5_000 }).toBeGreaterThan(0.1);
  expect((await level()).gated).toBe(false);
  // Past the device's start-up before recording.
  await page.waitForTimeout(700);

  await page.getByRole('button', { name: 'Record' }).click();
  await expect.poll(async () => Number((await page.locator('#take-length').getAttribute('data-seconds')) ?? '0'), { timeout: 10_000 }).toBeGreaterThanOrEqual(1.5);
  await page.getByRole('button', { name: 'Stop' }).click();
  const link = page.getByRole('link', { name: 'Download WAV' });
  await link.waitFor({ state: 'visible' });

  mkdirSync(fileURLToPath(new URL('../test-results/', import.meta.url)), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const wav = decodeWav(new Uint8Array(readFileSync((await download.path())!)));
  expect(wav).toMatchObject({ sampleRate: 48_000, channels: 1 });
  expect(wav.frames / wav.sampleRate).toBeGreaterThanOrEqual(1.5);
  const frequency = estimateFrequency(wav.samples, wav.sampleRate);
  console.info(`downloaded ${(wav.frames / wav.sampleRate).toFixed(2)} s; ${frequency.toFixed(2)} Hz (fake microphone plays ${FAKE_MICROPHONE.frequency} Hz)`);
  expect(Math.abs(frequency - FAKE_MICROPHONE.frequency) / FAKE_MICROPHONE.frequency).toBeLessThan(0.01);
});
