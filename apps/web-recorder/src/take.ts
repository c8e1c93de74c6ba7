import { type AudioFrame, encodeWav } from '@micgate/core';

/** One recording: the frames as they came (silence while not granted), ready to save as WAV. */
export interface Take {
  add(frame: AudioFrame): void;
  /** Seconds recorded so far. */
  readonly seconds: number;
  /** Seconds of it that are the microphone's (not permission silence). */
  readonly deviceSeconds: number;
  toWav(): Uint8Array;
}

export function createTake(format: { sampleRate: number; channels: number }): Take {
  const chunks: Float32Array[] = [];
  let frames = 0;
  let deviceFrames = 0;
  return {
    add(frame) {
      if (frame.sampleRate !== format.sampleRate || frame.channels !== format.channels) {
        throw new Error(
          `a ${frame.sampleRate} Hz × ${frame.channels} frame does not belong to this ${format.sampleRate} Hz × ${format.channels} take`,
        );
      }
      // Gated frames share one zeroed buffer: keep a copy, never the buffer itself.
      chunks.push(frame.samples.slice());
      frames += frame.frames;
      if (!frame.gated) deviceFrames += frame.frames;
    },
    get seconds() {
      return frames / format.sampleRate;
    },
    get deviceSeconds() {
      return deviceFrames / format.sampleRate;
    },
    toWav: () => encodeWav(chunks, { sampleRate: format.sampleRate, channels: format.channels }),
  };
}

/** A file name for a take, from its start time: recording-2026-11-26T14-03-05.wav. */
export function takeFileName(startedAt: Date): string {
  return `recording-${startedAt.toISOString().slice(0, 19).replaceAll(':', '-')}.wav`;
}
