import { createBrowserAdapter, createExplanationDialog } from '@micgate/browser';
import { type AudioFrame, createAudioSession, encodeWav, measureLevel, type RecordPermission } from '@micgate/core';
import type { Subscription } from 'rxjs';
import { drawMeter, drawWaveform } from './draw.js';
import { APP_NAME, USAGE_DESCRIPTION } from './purpose.js';

const FORMAT = { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 };

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const permissionOut = element<HTMLOutputElement>('permission');
const allowButton = element<HTMLButtonElement>('allow');
const levelOut = element<HTMLOutputElement>('level');
const meter = element<HTMLCanvasElement>('meter');
const waveform = element<HTMLCanvasElement>('waveform');
const recordButton = element<HTMLButtonElement>('record');
const stopButton = element<HTMLButtonElement>('stop');
const takeLength = element<HTMLSpanElement>('take-length');
const download = element<HTMLAnchorElement>('download');
const errorOut = element<HTMLParagraphElement>('error');

element('purpose').textContent = USAGE_DESCRIPTION;

const session = createAudioSession({
  adapter: createBrowserAdapter({ explain: createExplanationDialog({ continueLabel: 'Continue', cancelLabel: 'Not now' }) }),
  usageDescription: USAGE_DESCRIPTION,
  appName: APP_NAME,
});

const LABELS: Record<RecordPermission, string> = {
  undetermined: 'not asked yet',
  granted: 'allowed',
  denied: 'blocked (change it in the browser’s site settings)',
};

session.recordPermission$.subscribe((state) => {
  permissionOut.textContent = LABELS[state];
  permissionOut.dataset.state = state;
  allowButton.disabled = state !== 'undetermined';
  recordButton.disabled = state !== 'granted' || take !== undefined;
  if (state === 'granted') listen(); // already allowed: no prompt, just show the signal
});

let listening: Subscription | undefined;
let frameCount = 0;
let take: Float32Array[] | undefined;
let downloadUrl: string | undefined;

function showError(error: unknown): void {
  errorOut.hidden = false;
  errorOut.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The live stream: silence until granted, then the microphone. Drives the meter, waveform and take. */
function listen(): void {
  if (listening) return;
  listening = session.record(FORMAT).subscribe({
    next: (frame: AudioFrame) => {
      frameCount++;
      const level = measureLevel(frame.samples);
      levelOut.textContent = Number.isFinite(level.dbfs) ? `${level.dbfs.toFixed(1)} dBFS` : '-∞ dBFS';
      levelOut.dataset.rms = level.rms.toFixed(4);
      levelOut.dataset.frames = String(frameCount);
      levelOut.dataset.gated = String(frame.gated);
      drawMeter(meter, level.dbfs);
      drawWaveform(waveform, frame.samples, frame.channels);
      if (take && !frame.gated) {
        take.push(frame.samples.slice());
        const seconds = (take.length * frame.frames) / frame.sampleRate;
        takeLength.textContent = `${seconds.toFixed(1)} s`;
        takeLength.dataset.seconds = String(seconds);
      }
    },
    error: (error: unknown) => {
      listening = undefined;
      showError(error);
    },
  });
}

allowButton.addEventListener('click', () => {
  listen(); // silence flows (and the meter sits at zero) while the question is open
  session.requestRecordPermission().then((granted) => {
    if (!granted) showError(new Error('Microphone access was not allowed.'));
  }, showError);
});

recordButton.addEventListener('click', () => {
  take = [];
  recordButton.disabled = true;
  stopButton.disabled = false;
  download.hidden = true;
});

stopButton.addEventListener('click', () => {
  if (!take) return;
  const wav = encodeWav(take, { sampleRate: FORMAT.sampleRate, channels: FORMAT.channels });
  take = undefined;
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([wav.slice().buffer], { type: 'audio/wav' }));
  download.href = downloadUrl;
  download.hidden = false;
  stopButton.disabled = true;
  recordButton.disabled = session.recordPermission !== 'granted';
});

drawMeter(meter, Number.NEGATIVE_INFINITY);
drawWaveform(waveform, new Float32Array(1), 1);
