// Grant → first device sample: record() while undetermined (silence flows, the terminal prompt
// opens), a played user types "y", and we time the first buffer of device audio reaching the
// observer. Repeated; prints `RESULT {json}` with each run's delays in milliseconds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createAudioSession } from '@micgate/core';
import { createNodeAdapter } from '../src/adapter.js';

const [runsText = '5', rateText = '48000', channelsText = '2', framesText = '480'] = process.argv.slice(2);
const format = { sampleRate: Number(rateText), channels: Number(channelsText), framesPerBuffer: Number(framesText) };
const now = () => Number(process.hrtime.bigint()) / 1e9;

async function once(configDir: string): Promise<{ toObserverMs: number; captureAfterGrantMs: number }> {
  const input = new PassThrough();
  const output = new PassThrough();
  const adapter = createNodeAdapter({ appId: 'micgate-bench-grant', configDir, input, output, interactive: true });
  await adapter.store.reset('micgate-bench-grant');
  const session = createAudioSession({ adapter, usageDescription: 'Benchmarks the grant.' });
  let screen = '';
  let grantedAt = 0;
  const result = await new Promise<{ toObserverMs: number; captureAfterGrantMs: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no device audio within 10 s of the grant')), 10_000);
    output.setEncoding('utf8').on('data', (text: string) => {
      screen += text;
      if (grantedAt === 0 && screen.includes('Allow? [y/N]')) {
        grantedAt = now();
        input.write('y\n');
      }
    });
    const subscription = session.record(format).subscribe((frame) => {
      if (frame.gated || grantedAt === 0) return;
      const arrived = now();
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve({ toObserverMs: (arrived - grantedAt) * 1000, captureAfterGrantMs: (frame.time - grantedAt) * 1000 });
    });
  });
  session.close();
  adapter.close();
  input.end();
  return result;
}

const configDir = await mkdtemp(join(tmpdir(), 'micgate-bench-grant-'));
const runs: { toObserverMs: number; captureAfterGrantMs: number }[] = [];
for (let i = 0; i < Number(runsText); i++) runs.push(await once(configDir));
await rm(configDir, { recursive: true, force: true });
console.log(`RESULT ${JSON.stringify({ runs })}`);
