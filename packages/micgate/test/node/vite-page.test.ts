import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromiumLaunchOptions,
  FAKE_MICROPHONE,
  fakeMicrophoneWavPath,
  setMicrophonePermission,
  writeFakeMicrophoneWav,
} from '@micgate/chromium-rig';
import { measureTone } from '@micgate/conformance';
import { type Browser, chromium } from 'playwright';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../page', import.meta.url));
let outDir: string;
let warnings: string[];
let server: PreviewServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'micgate-page-'));
  warnings = [];
  // Vite's defaults, as an app gets them: the `browser` condition and the built `micgate` (dist).
  await build({
    root,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
    customLogger: {
      info: () => {},
      warn: (message) => void warnings.push(message),
      warnOnce: (message) => void warnings.push(message),
      error: (message) => void warnings.push(message),
      clearScreen: () => {},
      hasErrorLogged: () => false,
      hasWarned: false,
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(outDir, { recursive: true, force: true });
});

async function bundledScripts(): Promise<string> {
  const assets = join(outDir, 'assets');
  const files = (await readdir(assets)).filter((name) => name.endsWith('.js'));
  return (await Promise.all(files.map((name) => readFile(join(assets, name), 'utf8')))).join('\n');
}

test('a Vite build of a page importing `micgate` holds the browser adapter and no Node built-ins', async () => {
  const code = await bundledScripts();
  // Vite stubs a Node built-in a browser bundle imports (and warns that it did).
  expect(warnings.filter((message) => /externalized for browser compatibility|node:/.test(message))).toEqual([]);
  expect(code).not.toContain('__vite-browser-external');
  expect(code).not.toMatch(/\bfrom\s*["']node:|require\(["'](node:)?(fs|path|os|child_process|module)["']\)/);
  expect(code).not.toContain('micgate_capture'); // the Node adapter's addon
  expect(code).toContain('getUserMedia'); // the browser adapter is there
});

test('the built page records the fake microphone in Chromium through `micgate`', async () => {
  await writeFakeMicrophoneWav(fakeMicrophoneWavPath());
  server = await preview({ root, build: { outDir }, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview gave no URL');
  // localhost (not 127.0.0.1) is what Chromium treats as a secure context by name.
  const origin = new URL(url).origin.replace('127.0.0.1', 'localhost');
  browser = await chromium.launch(chromiumLaunchOptions());
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.locator('#state', { hasText: 'ready' }).waitFor();
  await setMicrophonePermission(page, 'granted');
  await page.click('#record');
  const result = await page.evaluate(() => window.recording!);
  expect(result.adapter).toBe('browser');
  const tone = measureTone(Float32Array.from(result.samples.slice(48_000 * 0.3)), 48_000);
  expect(Math.abs(tone.frequency - FAKE_MICROPHONE.frequency) / FAKE_MICROPHONE.frequency).toBeLessThan(0.01);
  expect(Math.abs(tone.rms - FAKE_MICROPHONE.rms) / FAKE_MICROPHONE.rms).toBeLessThan(0.1);
});
