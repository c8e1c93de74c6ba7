// Records 2 s from the default input (the audio rig) through the installed `micgate` on Node,
// Bun or Deno, and prints what it measured as one JSON line.
import { createAudioSession } from 'micgate';
import { firstValueFrom, map, take, toArray } from 'rxjs';

const seconds = Number(process.argv[2] ?? 2);
const appId = process.argv[3] ?? 'pack-test';
const session = createAudioSession({ appId, usageDescription: 'Checks the packed packages.' });
const format = { sampleRate: 48_000, channels: 1, framesPerBuffer: 480 };
const frames = await firstValueFrom(
  session.record(format).pipe(
    take((seconds * format.sampleRate) / format.framesPerBuffer),
    // Samples are valid only while a frame is delivered (the Node adapter reuses its buffer): copy to keep.
    map((frame) => ({ ...frame, samples: frame.samples.slice() })),
    toArray(),
  ),
);
session.close();

// The device's audio after its first 0.1 s (start-up): zero crossings give the frequency, the mean
// square the level.
const device = frames.filter((frame) => !frame.gated).slice(10);
let crossings = 0;
let sum = 0;
let previous = 0;
let count = 0;
for (const sample of device.flatMap((frame) => [...frame.samples])) {
  if (count > 0 && previous < 0 && sample >= 0) crossings++;
  sum += sample * sample;
  previous = sample;
  count++;
}
console.log(
  JSON.stringify({
    adapter: session.adapter.name,
    frames: frames.length,
    gated: frames.filter((frame) => frame.gated).length,
    nonZero: frames.reduce((n, frame) => n + frame.samples.filter((sample) => sample !== 0).length, 0),
    frequency: crossings / (count / format.sampleRate),
    rms: Math.sqrt(sum / Math.max(1, count)),
  }),
);
