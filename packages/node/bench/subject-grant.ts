// Grant → first device sample: record() while undetermined (silence flows, the terminal prompt
// opens), a played user types "y", and we time the first buffer of device audio reaching the
// observer. Repeated; prints `RESULT {json}` with each run's delays in milliseconds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createAudioSession, type DeviceFrame } from '@micgate/core';
import { Observable } from 'rxjs';
import { createNodeAdapter } from '../src/adapter.js';
import { captureStats } from '../src/capture/index.js';
import { liveStreamStats } from '../src/capture/open-capture.js';

const [runsText = '5', rateText = '48000', channelsText = '2', framesText = '480'] = process.argv.slice(2);
const format = { sampleRate: Number(rateText), channels: Number(channelsText), framesPerBuffer: Number(framesText) };
const now = () => Number(process.hrtime.bigint()) / 1e9;
/** How long the played user reads the question before typing "y". */
const READING_MS = 300;

/** Each a time from the grant typed, in ms (so each is at least the one before it). */
interface Run {
  toObserverMs: number;
  captureAfterGrantMs: number;
  /** → the prompt read the answer and the adapter asked the store to write it. */
  toStoreWriteMs: number;
  /** → the store's durable write finished. */
  toStoreWrittenMs: number;
  /** → the session subscribes to the device stream (the prompt resolved, the session's own steps). */
  toCaptureMs: number;
  /** → the device was found and the addon asked to open it (open + start then run on the addon's thread). */
  toOpenCallMs: number;
  /** → PortAudio's first callback (the first device buffer reached the addon); null when the addon in use does not report it. */
  toFirstCallbackMs: number | null;
  /** → the first device frame reached JS (the adapter's stream, before the session). */
  toAdapterFrameMs: number;
}

async function once(configDir: string): Promise<Run> {
  const input = new PassThrough();
  const output = new PassThrough();
  const adapter = createNodeAdapter({ appId: 'micgate-bench-grant', configDir, input, output, interactive: true });
  // Where the time goes: mark when the session subscribes to the device stream and when it is running.
  let storeWriteAt = 0;
  let storeWrittenAt = 0;
  let subscribedAt = 0;
  let startedAt = 0;
  let firstCallbackAt = 0;
  let adapterFrameAt = 0;
  const set = adapter.store.set.bind(adapter.store);
  adapter.store.set = async (appId, decision) => {
    storeWriteAt = now();
    try {
      await set(appId, decision);
    } finally {
      storeWrittenAt = now();
    }
  };
  const capture = adapter.capture.bind(adapter);
  adapter.capture = (format) =>
    new Observable<DeviceFrame>((subscriber) => {
      subscribedAt = now();
      const poll = setInterval(() => {
        if (startedAt === 0 && captureStats().openStreams > 0) startedAt = now();
        if (firstCallbackAt === 0) firstCallbackAt = liveStreamStats()[0]?.firstCallbackTime ?? 0;
      }, 1);
      const inner = capture(format).subscribe({
        next(frame) {
          if (adapterFrameAt === 0) adapterFrameAt = now();
          subscriber.next(frame);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        clearInterval(poll);
        inner.unsubscribe();
      };
    });
  await adapter.store.reset('micgate-bench-grant');
  const session = createAudioSession({ adapter, usageDescription: 'Benchmarks the grant.' });
  let screen = '';
  let grantedAt = 0;
  let asked = false;
  const result = await new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no device audio within 10 s of the grant')), 10_000);
    output.setEncoding('utf8').on('data', (text: string) => {
      screen += text;
      if (!asked && screen.includes('Allow? [y/n]')) {
        asked = true;
        // As a person answers: after reading the question (a terminal prompt ignores keys typed
        // within 100 ms of it anyway). The clock starts at the answer.
        setTimeout(() => {
          grantedAt = now();
          input.write('y\n');
        }, READING_MS);
      }
    });
    const subscription = session.record(format).subscribe((frame) => {
      if (frame.gated || grantedAt === 0) return;
      const arrived = now();
      // Read before unsubscribing: closing the stream drops its figures.
      const firstCallback = firstCallbackAt || (liveStreamStats()[0]?.firstCallbackTime ?? 0);
      clearTimeout(timer);
      subscription.unsubscribe();
      const since = (at: number) => (at - grantedAt) * 1000;
      resolve({
        toObserverMs: since(arrived),
        captureAfterGrantMs: since(frame.time),
        toStoreWriteMs: since(storeWriteAt),
        toStoreWrittenMs: since(storeWrittenAt),
        toCaptureMs: since(subscribedAt),
        toOpenCallMs: since(startedAt),
        // An addon built before it kept the first callback's time has no such figure (undefined → 0).
        toFirstCallbackMs: firstCallback > 0 ? since(firstCallback) : null,
        toAdapterFrameMs: since(adapterFrameAt),
      });
    });
  });
  session.close();
  adapter.close();
  input.end();
  return result;
}

const configDir = await mkdtemp(join(tmpdir(), 'micgate-bench-grant-'));
const runs: Run[] = [];
for (let i = 0; i < Number(runsText); i++) runs.push(await once(configDir));
await rm(configDir, { recursive: true, force: true });
console.log(`RESULT ${JSON.stringify({ runs })}`);
