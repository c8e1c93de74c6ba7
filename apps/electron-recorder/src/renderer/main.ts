import { type AudioFormat, createAudioSession, MicgateError, measureLevel } from '@micgate/core';
import { createElectronAdapter } from '@micgate/electron/renderer';
import {
  createTake,
  DEFAULT_CHOICE,
  drawMeter,
  fillScale,
  pickerOptions,
  showPickerOptions,
  showWayBack,
  type Take,
  takeFileName,
} from '@micgate/web-recorder/ui';
import type { Subscription } from 'rxjs';
import { APP_NAME, USAGE_DESCRIPTION } from '../app-info.js';

const FORMAT: AudioFormat = { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 };
const LABELS = { undetermined: 'not asked yet', granted: 'allowed', denied: 'not allowed' } as const;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const permission = element('permission');
const reason = element('reason');
const wayBack = element('way-back');
const meter = element<HTMLCanvasElement>('meter');
fillScale(document.querySelector<HTMLElement>('.scale')!);
const clock = element('clock');
const recordButton = element<HTMLButtonElement>('record');
const saveButton = element<HTMLButtonElement>('save');
const errorLine = element('error');
const devicePicker = element<HTMLSelectElement>('device');
const deviceNote = element('device-note');

// window.micgate comes from the preload; everything else about the microphone is main's.
const adapter = createElectronAdapter();
const session = createAudioSession({ adapter, usageDescription: USAGE_DESCRIPTION, appName: APP_NAME });

let recording: Subscription | undefined;
let take: Take | undefined;
let startedAt = new Date();
let chosenDevice = DEFAULT_CHOICE;
const deviceNames = new Map<string, string>();

// The web recorder's picker: "Default microphone" until names show (after the grant), then every input.
session.devices$.subscribe({
  next: (devices) => {
    for (const device of devices) if (device.name !== undefined) deviceNames.set(device.id, device.name);
    showPickerOptions(devicePicker, pickerOptions(devices, chosenDevice, deviceNames.get(chosenDevice)), chosenDevice);
  },
  error: () => undefined, // the picker keeps "Default microphone"
});
// A take records from the input chosen when it starts.
devicePicker.addEventListener('change', () => {
  chosenDevice = devicePicker.value;
});
// An unplugged input: the take goes on as silence and picks the input up again when it is back.
session.silence$.subscribe((why) => {
  deviceNote.hidden = why !== 'device-lost';
  deviceNote.textContent =
    why === 'device-lost'
      ? 'The microphone was disconnected. Recording goes on as silence and picks it up again when it is back.'
      : '';
});

function showError(error: unknown): void {
  errorLine.hidden = false;
  errorLine.textContent = error instanceof MicgateError ? `${error.message} (${error.code})` : String(error);
}

const takeNote = element('take-note');
let previous: keyof typeof LABELS | undefined;
session.recordPermission$.subscribe((state) => {
  // As in the web recorder: a take goes on as silence when access is turned off, and says so.
  if (recording && previous === 'granted' && state !== 'granted') {
    takeNote.hidden = false;
    takeNote.textContent =
      'Microphone access was turned off during this take. It goes on as silence, so it keeps its length; Stop saves it.';
  }
  previous = state;
  permission.textContent = LABELS[state];
  // While denied, the way back says where (and opens it); the reason would repeat it.
  const recovery = session.recovery;
  wayBack.hidden = recovery === undefined;
  if (recovery) showWayBack(wayBack, recovery, { open: () => adapter.openRecoverySettings(), onError: showError });
  reason.hidden = adapter.reason === undefined || recovery !== undefined;
  reason.textContent = adapter.reason ?? '';
});

/** The web recorder's meter (shared UI): green, amber from -6 dBFS, red from -1 dBFS. */
function showLevel(dbfs: number): void {
  meter.dataset.dbfs = String(dbfs);
  drawMeter(meter, dbfs);
}

function stop(): void {
  recording?.unsubscribe();
  recording = undefined;
  recordButton.textContent = 'Record';
  showLevel(Number.NEGATIVE_INFINITY);
  saveButton.disabled = !take || take.seconds === 0;
}

recordButton.addEventListener('click', () => {
  if (recording) return stop();
  errorLine.hidden = true;
  takeNote.hidden = true;
  take = createTake(FORMAT);
  startedAt = new Date();
  const current = take;
  recordButton.textContent = 'Stop';
  saveButton.disabled = true;
  // The first recording asks (the main process shows its dialog); silence is recorded meanwhile.
  const device = chosenDevice === DEFAULT_CHOICE ? {} : { device: chosenDevice };
  recording = session.record({ ...FORMAT, ...device }).subscribe({
    next: (frame) => {
      current.add(frame);
      showLevel(measureLevel(frame.samples).dbfs);
      clock.textContent = `${current.seconds.toFixed(1)} s (${current.deviceSeconds.toFixed(1)} s from the microphone)`;
    },
    error: (error: unknown) => {
      showError(error);
      stop();
    },
  });
});

saveButton.addEventListener('click', () => {
  if (!take) return;
  // A download: Electron asks where to save it with the system's save dialog.
  const url = URL.createObjectURL(new Blob([take.toWav() as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = takeFileName(startedAt);
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});

window.addEventListener('beforeunload', () => session.close());

showLevel(Number.NEGATIVE_INFINITY);
