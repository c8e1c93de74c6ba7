// A newcomer's page: one dependency, `micgate`, resolved by Vite's browser conditions.
import { createAudioSession } from 'micgate';
import { filter, firstValueFrom, map, take, toArray } from 'rxjs';

declare global {
  interface Window {
    /** Set when the user clicks Record: what one second through `micgate` gave. */
    recording?: Promise<{ adapter: string; samples: number[] }>;
  }
}

// Recording starts from a click, as on a real page (a user gesture lets audio start).
document.getElementById('record')!.addEventListener('click', () => {
  window.recording = recordOneSecond();
});

async function recordOneSecond(): Promise<{ adapter: string; samples: number[] }> {
  const session = createAudioSession({ usageDescription: 'Records one second for the test.' });
  // A frame's samples are valid during its delivery only: keep a copy.
  const chunks = await firstValueFrom(
    session.record({ sampleRate: 48_000, channels: 1, framesPerBuffer: 480 }).pipe(
      filter((frame) => !frame.gated),
      map((frame) => Array.from(frame.samples)),
      take(100),
      toArray(),
    ),
  );
  session.close();
  return { adapter: session.adapter.name, samples: chunks.flat() };
}
document.getElementById('state')!.textContent = 'ready';
