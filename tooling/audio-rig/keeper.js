// The rig's keeper stream: a low-latency capture (`parec`, its audio to /dev/null) held open on the
// virtual microphone for as long as the rig runs, so that the microphone answers a new capture
// within that capture's latency, as a plugged-in ALSA source does.
//
// Why: the microphone is a null sink's monitor. A null sink renders in blocks of the lowest latency
// its streams ask for (the feeder's pacat asks for ~300 ms), and it heeds a new stream's lower
// latency only at its next render, so a capture opened on an idle monitor waited 4–130 ms for its
// first block (a real source reschedules at once). With the keeper asking for KEEPER_LATENCY_MS,
// the sink renders every 10 ms, and a new capture's first block comes within that.
//
// Tests that count capture streams (no capture before consent) leave it out by its name,
// KEEPER_NAME (index.js's sourceOutputs()). Run by the feeder: it stops with the feeder, and is
// started again while the source is gone (unplugged) until it is back.
import { spawn } from 'node:child_process';

/** The keeper's client and stream name in PulseAudio. */
export const KEEPER_NAME = 'micgate-rig-keeper';
export const KEEPER_LATENCY_MS = 10;
const RETRY_MS = 200;

/**
 * Keep a capture stream open on `source` until `stop()`. `connected()`: the stream exists now.
 * @param {string} source
 * @param {number} rate
 */
export function startKeeper(source, rate) {
  let child = null;
  let connected = false;
  let stopped = false;
  let retry;
  const start = () => {
    if (stopped) return;
    const parec = spawn(
      'parec',
      [
        '--verbose',
        '--raw',
        '--format=float32le',
        `--rate=${rate}`,
        '--channels=1',
        `--latency-msec=${KEEPER_LATENCY_MS}`,
        `--device=${source}`,
        `--client-name=${KEEPER_NAME}`,
        `--stream-name=${KEEPER_NAME}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    parec.stderr.setEncoding('utf8');
    parec.stderr.on('data', (text) => {
      if (!connected && child === parec && text.includes('Stream successfully created')) connected = true;
    });
    parec.once('error', () => {});
    parec.once('exit', () => {
      if (child !== parec) return;
      child = null;
      connected = false;
      if (!stopped) retry = setTimeout(start, RETRY_MS);
    });
    child = parec;
    connected = false;
  };
  start();
  return {
    connected: () => connected,
    stop() {
      stopped = true;
      clearTimeout(retry);
      child?.kill('SIGTERM');
      child = null;
      connected = false;
    },
  };
}
