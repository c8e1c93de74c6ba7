import { createBrowserAdapter } from '@micgate/browser';
import { type AudioFrame, createAudioSession, measureLevel, type RecordPermission } from '@micgate/core';
import { DEFAULT_CHOICE, pickerOptions, showPickerOptions } from './device-picker.js';
import type { Subscription } from 'rxjs';
import { drawMeter, drawWaveform, fillScale, type WaveColumn } from './draw.js';
import { createTake, type Take, takeFileName } from './take.js';
import { createRecorderExplanation } from './explanation.js';
import { APP_NAME, USAGE_DESCRIPTION } from './purpose.js';
import { showWayBack } from './way-back.js';

const FORMAT = { sampleRate: 48_000, channels: 1, framesPerBuffer: 1024 };
/** Seconds of history in the waveform. */
const HISTORY_S = 6;
/** The level readout is for eyes; redrawn a few times a second, never announced. */
const READOUT_MS = 250;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const permissionText = element('permission');
const stateNote = element('state-note');
const deniedHelp = element('denied-help');
const allowButton = element<HTMLButtonElement>('allow');
const levelText = element('level');
const meter = element<HTMLCanvasElement>('meter');
const waveform = element<HTMLCanvasElement>('waveform');
const recordButton = element<HTMLButtonElement>('record');
const stopButton = element<HTMLButtonElement>('stop');
const takeLength = element('take-length');
const takeNote = element('take-note');
const playback = element('playback');
const player = element<HTMLAudioElement>('player');
const download = element<HTMLAnchorElement>('download');
const announcer = element('announce');
const errorOut = element('error');
const devicePicker = element<HTMLSelectElement>('device');
const deviceNote = element('device-note');

element('purpose').textContent = USAGE_DESCRIPTION;
fillScale(document.querySelector<HTMLElement>('.scale')!);

const adapter = createBrowserAdapter({
  explain: createRecorderExplanation({ continue: 'Continue', cancel: 'Not now' }),
});
const session = createAudioSession({ adapter, usageDescription: USAGE_DESCRIPTION, appName: APP_NAME });

const LABELS: Record<RecordPermission, string> = {
  undetermined: 'not asked yet',
  granted: 'allowed',
  denied: 'blocked',
};

let take: Take | undefined;
let chosenDevice = DEFAULT_CHOICE;
/** Names of the inputs seen, so a chosen one that is unplugged is still called by its name. */
const deviceNames = new Map<string, string>();
let revoked = false; // access was turned off during the current take
let listening: Subscription | undefined;
let frameCount = 0;
let downloadUrl: string | undefined;
let startedAt = new Date();
let lastReadout = 0;
let loudest = Number.NEGATIVE_INFINITY;
const history: WaveColumn[] = [];
const historyLength = Math.ceil((HISTORY_S * FORMAT.sampleRate) / FORMAT.framesPerBuffer);

/** One polite announcement for a change that matters (never per frame). */
function announce(text: string): void {
  announcer.textContent = text;
}

function gatedReason(): string {
  if (session.silence === 'device-lost') return 'silence: microphone disconnected';
  switch (session.recordPermission) {
    case 'undetermined':
      return 'silence until allowed';
    case 'denied':
      return 'silence: microphone blocked';
    default:
      return adapter.captureState === 'needs-user-gesture'
        ? 'click the page to start the microphone'
        : 'starting the microphone';
  }
}

let previous: RecordPermission | undefined;
session.recordPermission$.subscribe((state) => {
  permissionText.textContent = LABELS[state];
  permissionText.dataset.state = state;
  allowButton.hidden = state !== 'undetermined';
  deniedHelp.hidden = state !== 'denied';
  if (state === 'denied') showWayBack(deniedHelp, session.recovery);
  if (state === 'granted') stateNote.textContent = '';
  if (state === 'denied')
    stateNote.textContent = 'This page may not use the microphone, so anything you record is silence.';
  if (previous !== undefined && previous !== state) {
    if (take && previous === 'granted' && state !== 'granted') {
      revoked = true;
      takeNote.textContent =
        'Microphone access was turned off during this take. It goes on as silence, so it keeps its length; Stop saves it.';
      announce('Microphone access was turned off. The take goes on as silence.');
    } else announce(`Microphone ${LABELS[state]}.`);
  }
  previous = state;
  if (state === 'granted') listen(); // a returning visitor: the meter starts (on the first click if the browser holds audio)
});

// The picker: "Default microphone" until the browser shows names (after the grant), then every input.
session.devices$.subscribe({
  next: (devices) => {
    for (const device of devices) if (device.name !== undefined) deviceNames.set(device.id, device.name);
    showPickerOptions(devicePicker, pickerOptions(devices, chosenDevice, deviceNames.get(chosenDevice)), chosenDevice);
  },
  error: () => undefined, // the picker keeps "Default microphone"; recording does not depend on the list
});

devicePicker.addEventListener('change', () => {
  chosenDevice = devicePicker.value;
  // The live stream (and the take, which goes on) switches to the chosen input; a stream that
  // ended (the chosen input was not there) starts again with the new choice.
  if (listening || session.recordPermission === 'granted') {
    listening?.unsubscribe();
    listening = undefined;
    errorOut.hidden = true;
    listen();
  }
  announce(`Microphone: ${devicePicker.selectedOptions[0]?.text ?? 'default'}.`);
});

// A lost input (unplugged): the recording goes on as silence and picks the input up again when it is back.
let deviceLost = false;
session.silence$.subscribe((reason) => {
  const lost = reason === 'device-lost';
  if (lost === deviceLost) return;
  deviceLost = lost;
  deviceNote.textContent = lost
    ? 'The microphone was disconnected. Recording goes on as silence and picks it up again when it is back.'
    : '';
  announce(lost ? 'Microphone disconnected. Recording goes on as silence.' : 'Microphone back.');
});

/** The live stream: silence until granted, then the microphone. Drives the meter, waveform and take. */
function listen(): void {
  if (listening) return;
  const device = chosenDevice === DEFAULT_CHOICE ? {} : { device: chosenDevice };
  listening = session.record({ ...FORMAT, ...device }).subscribe({
    next: onFrame,
    error: (error: unknown) => {
      listening = undefined;
      errorOut.hidden = false;
      errorOut.textContent = error instanceof Error ? error.message : String(error);
    },
  });
}

function onFrame(frame: AudioFrame): void {
  frameCount++;
  const level = measureLevel(frame.samples);
  levelText.dataset.rms = level.rms.toFixed(4);
  levelText.dataset.frames = String(frameCount);
  levelText.dataset.gated = String(frame.gated);
  loudest = Math.max(loudest, level.dbfs);
  history.push({ peak: level.peak, gated: frame.gated ? gatedReason() : undefined });
  if (history.length > historyLength) history.shift();
  take?.add(frame); // every frame, gated or not: a take is continuous time, silence included
  const now = performance.now();
  if (now - lastReadout >= READOUT_MS) {
    lastReadout = now;
    levelText.textContent = Number.isFinite(loudest) ? `${loudest.toFixed(1)} dBFS` : '-∞ dBFS';
    meter.setAttribute('aria-label', frame.gated ? 'Level meter: silence' : `Level meter: ${levelText.textContent}`);
    waveform.setAttribute('aria-label', `Waveform of the last seconds: ${history.at(-1)?.gated ?? 'microphone audio'}`);
    loudest = Number.NEGATIVE_INFINITY;
    if (take) showTakeLength(take);
  }
  drawMeter(meter, level.dbfs);
  drawWaveform(waveform, history);
}

function showTakeLength(current: Take): void {
  takeLength.textContent = `${current.seconds.toFixed(1)} s`;
  takeLength.dataset.seconds = String(current.seconds);
  takeLength.dataset.deviceSeconds = String(current.deviceSeconds);
}

/** The explanation, then the browser's prompt; silence flows meanwhile. Focus comes back to `from`. */
function ask(from: () => HTMLElement): void {
  session.requestRecordPermission().then(
    (granted) => {
      if (!granted && session.recordPermission === 'undetermined') {
        stateNote.textContent = take
          ? 'Not now: nothing was decided. The take goes on as silence; press Allow microphone when you are ready.'
          : 'Not now: nothing was decided. Press Allow microphone when you are ready.';
        announce('Not now. Nothing was decided.');
      }
      if (document.activeElement === document.body || document.activeElement === null) from().focus();
    },
    (error: unknown) => {
      errorOut.hidden = false;
      errorOut.textContent = `The microphone could not be asked for: ${error instanceof Error ? error.message : String(error)}`;
      from().focus();
    },
  );
}

allowButton.addEventListener('click', () => {
  listen();
  ask(() => (allowButton.hidden ? (take ? stopButton : recordButton) : allowButton));
});

recordButton.addEventListener('click', () => {
  take = createTake(FORMAT);
  startedAt = new Date();
  revoked = false;
  showTakeLength(take);
  takeNote.textContent = '';
  recordButton.hidden = true;
  stopButton.hidden = false;
  stopButton.focus();
  announce(
    session.recordPermission === 'granted' ? 'Recording.' : 'Recording. Silence until you allow the microphone.',
  );
  listen();
  if (session.recordPermission === 'undetermined') ask(() => stopButton);
});

stopButton.addEventListener('click', () => {
  if (!take) return;
  const finished = take;
  take = undefined;
  const wav = finished.toWav();
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([wav.slice().buffer], { type: 'audio/wav' }));
  download.href = downloadUrl;
  download.download = takeFileName(startedAt);
  player.src = downloadUrl;
  playback.hidden = false;
  showTakeLength(finished);
  const seconds = finished.seconds.toFixed(1);
  const fromMic = finished.deviceSeconds.toFixed(1);
  takeNote.textContent = `${revoked ? `${takeNote.textContent} ` : ''}Saved ${seconds} s, ${fromMic} s of it from the microphone.`;
  stopButton.hidden = true;
  recordButton.hidden = false;
  recordButton.focus();
  announce(`Take saved: ${seconds} s.`);
});

new ResizeObserver(() => {
  drawMeter(meter, Number.NEGATIVE_INFINITY);
  drawWaveform(waveform, history);
}).observe(document.querySelector('main')!);
