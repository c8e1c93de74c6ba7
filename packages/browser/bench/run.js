// Browser capture benchmark: node bench/run.js [--duration=60] [--latency=playback|interactive|balanced]
// Serves bench/ with Vite, opens it in headless Chromium with the fake microphone, grants the
// microphone, records through an AudioSession for the duration and prints what was measured.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { createServer, defaultClientConditions } from 'vite';
import {
  chromiumLaunchOptions,
  fakeMicrophoneWavPath,
  setMicrophonePermission,
  writeFakeMicrophoneWav,
} from '@micgate/chromium-rig';

// `--seconds N` as well, the option every micgate benchmark takes (`pnpm bench -- --seconds 30`).
const secondsAt = process.argv.indexOf('--seconds');
const durationArg =
  secondsAt > 0
    ? `--duration=${process.argv[secondsAt + 1]}`
    : process.argv.find((arg) => arg.startsWith('--duration='));
const seconds = durationArg ? Number(durationArg.slice('--duration='.length)) : 60;
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error(`--duration must be a positive number of seconds; got ${durationArg}`);
  process.exit(2);
}

const latencyArg = process.argv.find((arg) => arg.startsWith('--latency='));
const latencyHint = latencyArg ? latencyArg.slice('--latency='.length) : 'playback';
if (!['playback', 'interactive', 'balanced'].includes(latencyHint)) {
  console.error(`--latency must be playback, interactive or balanced; got ${latencyHint}`);
  process.exit(2);
}

await writeFakeMicrophoneWav(fakeMicrophoneWavPath());
const server = await createServer({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { conditions: ['@micgate/source', ...defaultClientConditions] },
  server: { host: '127.0.0.1', port: 0 },
  logLevel: 'warn',
});
await server.listen();
const address = server.httpServer?.address();
if (!address || typeof address === 'string') throw new Error('vite gave no port');
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`http://localhost:${address.port}/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await setMicrophonePermission(page, 'granted');
  // Chromium's default autoplay policy holds audio until a user gesture: click the page first.
  await page.mouse.click(1, 1);
  console.log(
    `recording ${seconds} s at 48 kHz, 1024-frame buffers, latencyHint '${latencyHint}', in Chromium ${browser.version()} ...`,
  );
  /** @type {import('./bench-page.ts').BenchResult} */
  const result = await page.evaluate((s) => /** @type {any} */ (globalThis).runBench(...s), [seconds, latencyHint]);
  const rows = [
    ['measured time', `${result.seconds.toFixed(2)} s`],
    ['AudioContext rate / base latency', `${result.contextSampleRate} Hz / ${result.baseLatencyMs.toFixed(1)} ms`],
    ['device buffers (expected)', `${result.deviceBuffers} (${result.expectedBuffers})`],
    ['silent buffers before the device started', result.gatedBuffers],
    ['dropped buffers (capture times not continuous)', result.droppedBuffers],
    ['session position gaps', result.positionGaps],
    ['late buffers (> 1 buffer behind the pace)', result.lateBuffers],
    ['lateness p99 / max', `${result.p99LatenessMs.toFixed(1)} / ${result.maxLatenessMs.toFixed(1)} ms`],
    [
      'main thread on delivery',
      `${result.deliveryMsPerSecond.toFixed(3)} ms per second (max ${result.maxDeliveryMs.toFixed(3)} ms per buffer)`,
    ],
  ];
  for (const [name, value] of rows) console.log(`${String(name).padEnd(48)} ${value}`);
  console.log(JSON.stringify(result));
  if (result.droppedBuffers > 0 || result.positionGaps > 0) process.exitCode = 1;
} finally {
  await browser.close();
  await server.close();
}
