/**
 * The recorder's page in real Chromium, used as a person would: click Record, answer the
 * microphone question, watch the meter, Stop, Save WAV, open the file. The page is the built
 * renderer (dist/renderer) served over http://localhost; Chromium's fake microphone plays a
 * 440 Hz sine. Electron's main process is not here (the binary cannot be had on this machine):
 * window.micgate is a stand-in that answers like the broker (the broker and bridge themselves are
 * tested in @micgate/electron), and Chromium's permission follows the answer, as the broker's
 * request handler would decide getUserMedia.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateFrequency } from '@micgate/test-utils';
import { decodeWav, measureLevel } from '@micgate/core';
import { type Browser, chromium } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumLaunchOptions,
  FAKE_MICROPHONE,
  fakeMicrophoneWavPath,
  writeFakeMicrophoneWav,
} from '@micgate/chromium-rig';
import { USAGE_DESCRIPTION } from '../src/app-info.js';

const rendererRoot = fileURLToPath(new URL('../dist/renderer/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const path = normalize(
      join(rendererRoot, new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html')),
    );
    if (!path.startsWith(rendererRoot)) return void response.writeHead(404).end();
    try {
      const body = await readFile(path);
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  const wav = await writeFakeMicrophoneWav(fakeMicrophoneWavPath());
  browser = await chromium.launch(chromiumLaunchOptions(wav));
}, 30_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('the recorder page', () => {
  it('asks once with the purpose string, records silence then the microphone, meters it, and saves a WAV', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const asked: string[] = [];
    // The stand-in main process: the user clicks Allow in the dialog; Chromium's permission follows.
    await page.exposeFunction('micgateStandInAsk', async (usageDescription: string) => {
      asked.push(usageDescription);
      await new Promise((resolve) => setTimeout(resolve, 300)); // the user reads the dialog
      await context.grantPermissions(['microphone'], { origin });
      return 'granted';
    });
    await page.addInitScript(() => {
      type State = { permission: 'undetermined' | 'denied' | 'granted' };
      const ask = (window as unknown as { micgateStandInAsk(text: string): Promise<State['permission']> })
        .micgateStandInAsk;
      const listeners = new Set<(state: State) => void>();
      let permission: State['permission'] = 'undetermined';
      (window as unknown as { micgate: unknown }).micgate = {
        status: async () => ({ ok: true, permission }),
        request: async ({ usageDescription }: { usageDescription: string }) => {
          if (permission === 'undetermined') {
            permission = await ask(usageDescription);
            for (const listener of listeners) listener({ permission });
          }
          return { ok: true, permission };
        },
        onChange: (listener: (state: State) => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/index.html`);

    await expect.poll(() => page.textContent('#permission')).toBe('not asked yet');
    const pickerTexts = () => page.$$eval('#device option', (options) => options.map((option) => option.textContent));
    // The web recorder's picker: names hidden until the microphone is allowed.
    expect(await pickerTexts()).toEqual(['Default microphone']);
    await page.click('#record');
    await expect.poll(() => page.textContent('#permission'), { timeout: 5_000 }).toBe('allowed');
    await expect.poll(pickerTexts).toEqual(['Default microphone', 'Fake Audio Input 1', 'Fake Audio Input 2']);
    await expect
      .poll(async () => Number((await page.textContent('#clock'))?.match(/\(([\d.]+) s from/)?.[1] ?? 0), {
        timeout: 8_000,
      })
      .toBeGreaterThan(1.2);
    // The web recorder's shared meter, drawn at the level: a 0.35 RMS sine is about -9 dBFS.
    const dbfs = Number(await page.getAttribute('#meter', 'data-dbfs'));
    expect(dbfs).toBeGreaterThan(-12);
    expect(dbfs).toBeLessThan(-6);
    expect(await page.getAttribute('#meter', 'role')).toBe('img');
    await page.screenshot({ path: fileURLToPath(new URL('../dist/recorder-page.png', import.meta.url)) });
    await page.click('#record'); // Stop
    expect(await page.textContent('#record')).toBe('Record');
    expect(await page.isDisabled('#save')).toBe(false);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    expect(download.suggestedFilename()).toMatch(/^recording-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.wav$/);
    const wav = decodeWav(new Uint8Array(await readFile((await download.path())!)));
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 1 });
    expect(asked).toEqual([USAGE_DESCRIPTION]);

    // Silence (exact zeros) while the dialog was open, then the microphone's sine.
    const firstSound = wav.samples.findIndex((sample) => sample !== 0);
    expect(firstSound).toBeGreaterThan(0.2 * 48_000); // the user took 300 ms to answer
    const sound = wav.samples.subarray(firstSound + 0.5 * 48_000, firstSound + 1.0 * 48_000);
    expect(Math.abs(estimateFrequency(sound, 48_000) - FAKE_MICROPHONE.frequency)).toBeLessThan(
      FAKE_MICROPHONE.frequency * 0.02,
    );
    expect(measureLevel(sound).rms).toBeGreaterThan(FAKE_MICROPHONE.rms * 0.8); // 16-bit PCM, so not exact
    expect(errors).toEqual([]);
    await context.close();
  }, 40_000);
});

describe('the recorder page when macOS has the microphone off', () => {
  it('shows the way back with an Open settings button that asks the main process, and hides it once allowed', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    let opened = 0;
    await page.exposeFunction('micgateStandInOpen', () => {
      opened++;
    });
    // The stand-in main process answers as the broker does on macOS with the app turned off in
    // System Settings (the broker's own data is tested in @micgate/electron).
    await page.addInitScript(() => {
      type State = { permission: 'denied' | 'granted'; reason?: string; recovery?: unknown };
      const denied: State = {
        permission: 'denied',
        reason: 'Microphone access for this app is turned off in macOS.',
        recovery: {
          target: 'os-privacy',
          platform: 'macos',
          summary: 'Turn on micgate Recorder in System Settings > Privacy & Security > Microphone.',
          steps: [
            'Open System Settings > Privacy & Security > Microphone.',
            'Turn on micgate Recorder.',
            'Come back to micgate Recorder: it notices the change.',
          ],
          url: 'x-apple.systempreferences:com.apple.preference.security?Privacy_Microphone',
          appliesWithoutReload: true,
        },
      };
      const listeners = new Set<(state: State) => void>();
      const standIn = window as unknown as { micgateStandInOpen(): Promise<void>; micgateTurnOn(): void };
      let state: State = denied;
      standIn.micgateTurnOn = () => {
        state = { permission: 'granted' };
        for (const listener of listeners) listener(state);
      };
      (window as unknown as { micgate: unknown }).micgate = {
        status: async () => ({ ok: true, ...state }),
        request: async () => ({ ok: true, ...state }),
        onChange: (listener: (next: State) => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        openSettings: async () => {
          await standIn.micgateStandInOpen();
          return { ok: true, ...state };
        },
      };
    });
    await page.setViewportSize({ width: 520, height: 420 });
    await page.goto(`${origin}/index.html`);

    await expect.poll(() => page.textContent('#permission')).toBe('not allowed');
    expect(await page.isVisible('#way-back')).toBe(true);
    expect(await page.isVisible('#reason')).toBe(false); // the way back says it
    expect(await page.locator('#way-back li').allTextContents()).toEqual([
      'Open System Settings > Privacy & Security > Microphone.',
      'Turn on micgate Recorder.',
      'Come back to micgate Recorder: it notices the change.',
    ]);
    await page.screenshot({ path: fileURLToPath(new URL('../dist/recorder-denied.png', import.meta.url)) });
    await page.getByRole('button', { name: 'Open settings' }).click();
    await expect.poll(() => opened).toBe(1);

    await page.evaluate(() => (window as unknown as { micgateTurnOn(): void }).micgateTurnOn());
    await expect.poll(() => page.textContent('#permission')).toBe('allowed');
    expect(await page.isVisible('#way-back')).toBe(false);
    await context.close();
  }, 30_000);
});
