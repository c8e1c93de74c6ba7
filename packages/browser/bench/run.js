// Browser capture benchmark: node bench/run.js [--seconds 30] [--latency=playback,interactive]
//   [--pages=transfer,ring] [--json FILE]
// Serves bench/ with Vite, opens it in headless Chromium with the fake microphone (default policies),
// grants the microphone and, at each latency hint, in a page that is not cross-origin isolated
// (micgate transfers each buffer) and in one that is (COOP/COEP: micgate's SharedArrayBuffer ring),
// records through an AudioSession and through a bare AudioWorklet (the baseline) at the same time,
// and prints what was measured with micgate's main-thread cost as a multiple of the baseline's.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { createServer, defaultClientConditions } from 'vite';
import {
  chromiumLaunchOptions,
  fakeMicrophoneWavPath,
  setMicrophonePermission,
  writeFakeMicrophoneWav,
} from '@micgate/chromium-rig';

const args = process.argv.slice(2).filter((arg) => arg !== '--');
/** `--name value` or `--name=value`. @param {string} name */
function option(name) {
  const at = args.indexOf(`--${name}`);
  if (at >= 0) return args[at + 1];
  return args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}
const seconds = Number(option('seconds') ?? option('duration') ?? 30);
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error(`--seconds must be a positive number; got ${option('seconds')}`);
  process.exit(2);
}
const latencyHints = (option('latency') ?? 'playback,interactive').split(',');
if (!latencyHints.every((hint) => ['playback', 'interactive', 'balanced'].includes(hint))) {
  console.error(`--latency must list playback, interactive or balanced; got ${latencyHints}`);
  process.exit(2);
}
// 'transfer': the page that is not cross-origin isolated; 'ring': the isolated one.
const pages = (option('pages') ?? 'transfer,ring').split(',');
if (pages.length === 0 || !pages.every((name) => ['transfer', 'ring'].includes(name))) {
  console.error(`--pages must list transfer or ring; got ${pages}`);
  process.exit(2);
}
const jsonPath = option('json');

await writeFakeMicrophoneWav(fakeMicrophoneWavPath());
const server = await createServer({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { conditions: ['@micgate/source', ...defaultClientConditions] },
  server: { host: '127.0.0.1', port: 0 },
  logLevel: 'warn',
  plugins: [
    {
      name: 'cross-origin-isolation',
      // The page asked for as ?isolated gets COOP/COEP, which makes it cross-origin isolated.
      configureServer(vite) {
        vite.middlewares.use((request, response, next) => {
          if (request.url?.includes('isolated')) {
            response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
            response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
          }
          next();
        });
      },
    },
  ],
});
await server.listen();
const address = server.httpServer?.address();
if (!address || typeof address === 'string') throw new Error('vite gave no port');
const browser = await chromium.launch(chromiumLaunchOptions());
const chromiumVersion = browser.version();
/** @type {import('./bench-page.ts').BenchResult[]} */
const results = [];
try {
  console.log(
    `recording ${seconds} s per run at 48 kHz mono, 1024-frame buffers, in Chromium ${chromiumVersion}: ${latencyHints.length * pages.length} runs, micgate and the baseline side by side in each ...`,
  );
  for (const isolated of [false, true]) {
    if (!pages.includes(isolated ? 'ring' : 'transfer')) continue;
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(`http://localhost:${address.port}/index.html${isolated ? '?isolated' : ''}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await setMicrophonePermission(page, 'granted');
    // Chromium's default autoplay policy holds audio until a user gesture: click the page first.
    await page.mouse.click(1, 1);
    for (const latencyHint of latencyHints) {
      /** @type {import('./bench-page.ts').BenchResult[]} */
      const pair = await page.evaluate((s) => /** @type {any} */ (globalThis).runBench(...s), [seconds, latencyHint]);
      for (const result of pair) {
        if (result.isolated !== isolated) throw new Error(`the page is${isolated ? ' not' : ''} cross-origin isolated`);
        results.push(result);
      }
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const rows = results.map((result) => {
  const baseline = results.find(
    (other) =>
      other.subject === 'baseline' && other.isolated === result.isolated && other.latencyHint === result.latencyHint,
  );
  return {
    ...result,
    costRatio: result.deliveryMsPerSecond / (baseline?.deliveryMsPerSecond ?? Number.NaN),
    trimmedRatio: result.trimmedDeliveryMs / (baseline?.trimmedDeliveryMs ?? Number.NaN),
  };
});
const header = [
  'subject',
  'page',
  'latency',
  'buffers',
  'dropped',
  'late',
  'p99/max late ms',
  'main ms/s',
  'x baseline',
  'us/buffer (95%)',
  'x baseline',
];
const table = rows.map((row) => [
  row.subject === 'micgate' ? (row.isolated ? 'micgate (SAB ring)' : 'micgate (transfer)') : 'bare worklet',
  row.isolated ? 'isolated' : 'not isolated',
  row.latencyHint,
  `${row.deviceBuffers}/${row.expectedBuffers}`,
  String(row.droppedBuffers + row.positionGaps),
  String(row.lateBuffers),
  `${row.p99LatenessMs.toFixed(1)}/${row.maxLatenessMs.toFixed(1)}`,
  row.deliveryMsPerSecond.toFixed(3),
  row.costRatio.toFixed(2),
  (row.trimmedDeliveryMs * 1000).toFixed(0),
  row.trimmedRatio.toFixed(2),
]);
const widths = header.map((name, i) => Math.max(name.length, ...table.map((cells) => cells[i]?.length ?? 0)));
for (const cells of [header, ...table]) console.log(cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
console.log(
  `(AudioContext base latency: ${[...new Set(rows.map((row) => `${row.latencyHint} ${row.baseLatencyMs.toFixed(1)} ms`))].join(', ')})`,
);
if (jsonPath)
  writeFileSync(
    jsonPath,
    `${JSON.stringify({ benchmark: 'browser-capture', chromium: chromiumVersion, seconds, rows }, null, 2)}\n`,
  );
// The baseline fills no silence, so its "dropped" counts render quanta the input had no data for.
if (rows.some((row) => row.subject === 'micgate' && (row.droppedBuffers > 0 || row.positionGaps > 0)))
  process.exitCode = 1;
