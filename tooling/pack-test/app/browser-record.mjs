// Builds page/ with Vite (an app importing only `micgate`), serves the build, and records 1 s in
// Debian's Chromium from a fake microphone playing a 440 Hz WAV, the permission granted through
// the browser's own control (CDP), never --use-fake-ui-for-media-stream. Prints one JSON line.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav } from 'micgate';
import { chromium } from 'playwright';
import { build, preview } from 'vite';

const out = join(process.cwd(), 'page-dist');
const warnings = [];
const logger = {
  info() {},
  warn: (m) => warnings.push(m),
  warnOnce: (m) => warnings.push(m),
  error: (m) => warnings.push(m),
  clearScreen() {},
  hasErrorLogged: () => false,
  hasWarned: false,
};
await build({
  root: 'page',
  logLevel: 'silent',
  customLogger: logger,
  build: { outDir: out, emptyOutDir: true, target: 'es2022' },
});
const code = (
  await Promise.all(
    (
      await readdir(join(out, 'assets'))
    )
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFile(join(out, 'assets', f), 'utf8')),
  )
).join('\n');

const rate = 48_000;
const tone = new Float32Array(rate * 5).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
const wav = join(process.cwd(), 'fake-microphone.wav');
await writeFile(wav, encodeWav([tone], { sampleRate: rate, channels: 1 }));

const server = await preview({
  root: 'page',
  build: { outDir: out },
  preview: { port: 0, host: '127.0.0.1' },
  logLevel: 'warn',
});
const origin = new URL(server.resolvedUrls.local[0]).origin.replace('127.0.0.1', 'localhost');
const browser = await chromium.launch({
  executablePath: process.env.MICGATE_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.locator('#state', { hasText: 'ready' }).waitFor();
  const cdp = await page.context().newCDPSession(page);
  const { targetInfo } = await cdp.send('Target.getTargetInfo');
  await cdp.send('Browser.setPermission', {
    permission: { name: 'microphone' },
    setting: 'granted',
    origin,
    browserContextId: targetInfo.browserContextId,
  });
  await page.click('#record');
  const result = await page.evaluate(() => window.recording);
  const samples = result.samples.slice(rate * 0.3);
  // The median period between rising zero crossings (interpolated): a short glitch of Chromium's
  // fake device (once in six CI runs the whole take read 472.9 Hz by crossing count, at RMS 0.351)
  // moves a few periods; a wrong rate moves them all.
  const crossingsAt = [];
  for (let i = 1; i < samples.length; i++) {
    if (samples[i - 1] < 0 && samples[i] >= 0) crossingsAt.push(i - 1 + samples[i - 1] / (samples[i - 1] - samples[i]));
  }
  const periods = crossingsAt.slice(1).map((at, k) => at - crossingsAt[k]);
  periods.sort((x, y) => x - y);
  const frequency = periods.length > 0 ? rate / periods[Math.floor(periods.length / 2)] : 0;
  console.log(
    JSON.stringify({
      adapter: result.adapter,
      nodeBuiltins:
        warnings.filter((m) => /externalized for browser compatibility/.test(m)).length +
        (code.includes('__vite-browser-external') ? 1 : 0),
      frequency,
      periods: periods.length,
      rms: Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length),
    }),
  );
} finally {
  await browser.close();
  await server.close();
}
