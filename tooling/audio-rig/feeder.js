#!/usr/bin/env node
// The rig's signal source: a phase-continuous sine written into `pacat`, kept LEAD_MS ahead of
// what PulseAudio has played (pacat --verbose reports its stream time every 50 ms). Pacing by
// the played position, not the wall clock, keeps the pipe nearly empty even after a stall, so
// a frequency change is heard within about LEAD_MS. Controlled over a unix socket with JSON lines:
//   {"cmd":"sine","frequency":440,"amplitude":0.5}  → {"ok":true,"frequency":440,"amplitude":0.5,"switchAt":12.3,...}
//   {"cmd":"status"} → {"ok":true,...}     {"cmd":"quit"} → {"ok":true} then exit
// When pacat dies (the sink was unloaded: "unplugged"), it is restarted every RETRY_MS until the
// sink exists again. It also runs the keeper stream (keeper.js) on the sink's monitor.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { setPriority } from 'node:os';
import { dirname } from 'node:path';
import { startKeeper } from './keeper.js';

const [socketPath, sinkName = 'vmic', rateText = '48000', frequencyText = '440', amplitudeText = '0.5'] =
  process.argv.slice(2);
if (!socketPath) {
  console.error('usage: feeder.js SOCKET [SINK] [RATE] [FREQUENCY] [AMPLITUDE]');
  process.exit(2);
}
const RATE = Number(rateText);
// PulseAudio holds up to PACAT_LATENCY_MS of it: a stall of the feeder or pacat shorter than that
// is not heard. Changes wait for the played position, so a long lead only delays them.
const LEAD_MS = 400;
/** Extrapolate the played position from the last report for at most this long. */
const REPORT_STALE_MS = 200;
const TICK_MS = 10;
const RETRY_MS = 200;
const PACAT_LATENCY_MS = 300;

let frequency = Number(frequencyText);
let amplitude = Number(amplitudeText);
let phase = 0;
let pacat = null;
let written = 0;
let restarts = 0;
let quitting = false;
let connected = false;
let playedSeconds = 0;
let playedAt = 0;

function startPacat() {
  if (quitting) return;
  const child = spawn(
    'pacat',
    [
      '--playback',
      '--verbose',
      `--device=${sinkName}`,
      `--latency-msec=${PACAT_LATENCY_MS}`,
      '--raw',
      '--format=float32le',
      `--rate=${RATE}`,
      '--channels=1',
      '--client-name=micgate-rig-feeder',
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  child.stdin.on('error', () => {});
  // Start the clock when the stream exists: samples written before that would sit in the pipe
  // and delay every later change by the connection time.
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => {
    const times = [...text.matchAll(/Time: ([0-9.]+) sec; Latency: ([0-9]+) usec/g)];
    const last = times[times.length - 1];
    if (last) {
      playedSeconds = Number(last[1]);
      playedAt = performance.now();
    }
    if (connected) return;
    log += text;
    if (log.includes('Stream successfully created')) {
      connected = true;
      written = 0;
      playedSeconds = 0;
      playedAt = 0;
      log = '';
    }
  });
  child.on('exit', () => {
    if (pacat === child) pacat = null;
    if (!quitting) setTimeout(startPacat, RETRY_MS).unref();
  });
  pacat = child;
  connected = false;
  restarts += 1;
}

function tick() {
  if (!pacat || !connected || pacat.stdin.writableNeedDrain) return;
  const sinceReport = playedAt === 0 ? 0 : Math.min(performance.now() - playedAt, REPORT_STALE_MS);
  const due = Math.floor((playedSeconds + (sinceReport + LEAD_MS) / 1000) * RATE);
  const count = due - written;
  if (count <= 0) return;
  const samples = new Float32Array(count);
  const step = (2 * Math.PI * frequency) / RATE;
  for (let i = 0; i < count; i++) {
    samples[i] = amplitude * Math.sin(phase);
    phase += step;
    if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
  }
  written = due;
  pacat.stdin.write(Buffer.from(samples.buffer));
}

function handle(command) {
  switch (command.cmd) {
    case 'sine': {
      const f = Number(command.frequency);
      const a = command.amplitude === undefined ? amplitude : Number(command.amplitude);
      if (!(f > 0 && f < RATE / 2)) return { ok: false, error: `frequency must be between 0 and ${RATE / 2} Hz` };
      if (!(a >= 0 && a <= 1)) return { ok: false, error: 'amplitude must be between 0 and 1' };
      frequency = f;
      amplitude = a;
      // Samples already written keep the old sine: the change is heard from stream time `switchAt`.
      return { ok: true, frequency, amplitude, switchAt: written / RATE, restarts };
    }
    case 'status':
      return {
        ok: true,
        frequency,
        amplitude,
        playing: pacat !== null && connected,
        writtenSeconds: written / RATE,
        playedSeconds,
        restarts,
        keeping: keeper.connected(),
        pid: process.pid,
      };
    case 'reconnect':
      // After the daemon was frozen (SIGSTOP) the old stream's clock is off: start a fresh one.
      pacat?.kill('SIGKILL');
      return { ok: true, restarts };
    case 'quit':
      setImmediate(quit);
      return { ok: true };
    default:
      return { ok: false, error: `unknown command ${JSON.stringify(command.cmd)}` };
  }
}

function quit() {
  quitting = true;
  clearInterval(timer);
  server.close();
  keeper.stop();
  pacat?.kill('SIGTERM');
  rmSync(socketPath, { force: true });
  setTimeout(() => process.exit(0), 50);
}

// Keep the signal flowing on a loaded machine: raise this process (and so pacat) above test
// workers where allowed (root); otherwise carry on at normal priority.
try {
  setPriority(0, -10);
} catch {}
rmSync(socketPath, { force: true });
const server = createServer((socket) => {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    pending += chunk;
    for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let reply;
      try {
        reply = handle(JSON.parse(line));
      } catch (error) {
        reply = { ok: false, error: String(error) };
      }
      socket.write(`${JSON.stringify(reply)}\n`);
    }
  });
});
server.listen(socketPath, () => {
  // The parent waits for this line before using the rig.
  process.stdout.write('ready\n');
});
process.on('SIGTERM', quit);
process.on('SIGINT', quit);
const timer = setInterval(tick, TICK_MS);
// An orphan guard: when the rig's folder is gone (stopped, or its owner crashed and cleaned up), leave.
const rigDir = dirname(socketPath);
setInterval(() => {
  if (!existsSync(rigDir)) quit();
}, 1_000).unref();
startPacat();
const keeper = startKeeper(`${sinkName}.monitor`, RATE);
