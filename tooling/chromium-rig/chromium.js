import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FAKE_MICROPHONE } from './fake-microphone.js';

/** Debian's Chromium unless MICGATE_CHROMIUM says otherwise. */
export const CHROMIUM_PATH = process.env.MICGATE_CHROMIUM ?? '/usr/bin/chromium';

/** Where the fake microphone's WAV lives (same path in the config and in the global setup). */
export function fakeMicrophoneWavPath(signal = FAKE_MICROPHONE) {
  return join(tmpdir(), `micgate-fake-mic-${signal.frequency}hz-${signal.sampleRate}-${signal.seconds}s.wav`);
}

/**
 * Flags for headless Chromium with a fake microphone playing `wavPath`. Never
 * --use-fake-ui-for-media-stream (it grants every request whatever the permission says), and
 * Chromium's default autoplay policy: an AudioContext starts only after a user gesture, as for a
 * real visitor. Tests that need audio give the page a real click (see `clickPage` in page.ts).
 */
export function chromiumArgs(wavPath = fakeMicrophoneWavPath()) {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wavPath}`,
  ];
}

/** Playwright `launchOptions` for the Chromium above. */
export function chromiumLaunchOptions(wavPath = fakeMicrophoneWavPath()) {
  return { executablePath: CHROMIUM_PATH, headless: true, args: chromiumArgs(wavPath) };
}

/**
 * Write the fake microphone's sine as a 16-bit WAV (with core's encodeWav) unless it exists.
 * Written to a temporary name and renamed, so two processes never see half a file.
 */
export async function writeFakeMicrophoneWav(path = fakeMicrophoneWavPath(), signal = FAKE_MICROPHONE) {
  if (existsSync(path)) return path;
  const { encodeWav } = await import('@micgate/core');
  const frames = signal.sampleRate * signal.seconds;
  const samples = new Float32Array(frames);
  const step = (2 * Math.PI * signal.frequency) / signal.sampleRate;
  for (let i = 0; i < frames; i++) samples[i] = signal.amplitude * Math.sin(step * i);
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.part`;
  writeFileSync(partial, encodeWav([samples], { sampleRate: signal.sampleRate, channels: 1 }));
  renameSync(partial, path);
  return path;
}
