import { fakeMicrophoneWavPath, writeFakeMicrophoneWav } from './chromium.js';

/** Vitest globalSetup: the fake microphone's WAV must exist before Chromium starts. */
export default async function setup() {
  await writeFakeMicrophoneWav(fakeMicrophoneWavPath());
}
