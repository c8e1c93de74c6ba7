import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { attachRig } from '@micgate/audio-rig';
import { describe, expect, inject, test } from 'vitest';
import { packageDir } from './helpers.js';

const rigDir = inject('rigDir');
const rig = () => attachRig(rigDir);
const fixture = join(packageDir, 'test', 'fixtures', 'hung-server.ts');

interface Outcome {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  exitedAfterResultMs: number;
}

/** Run the fixture; `onLine` sees each stdout line. Killed (and reported so) after 20 s. */
function runChild(mode: string, onLine: (line: string) => void = () => {}): Promise<Outcome> {
  const child = spawn(process.execPath, ['--conditions=@micgate/source', '--import', 'tsx', fixture, mode], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let resultAt = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stdout += text;
    for (const line of text.split('\n')) {
      if (line.startsWith('RESULT')) resultAt = performance.now();
      if (line) onLine(line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        exitedAfterResultMs: resultAt === 0 ? Number.NaN : performance.now() - resultAt,
      });
    });
  });
}

function resultOf(outcome: Outcome): {
  name: string;
  code: string;
  message: string;
  frames: number;
  failedAfterMs: number;
  worstLateMs: number;
} {
  const line = outcome.stdout.split('\n').find((row) => row.startsWith('RESULT '));
  if (!line)
    throw new Error(`the child printed no result (exit ${outcome.code ?? outcome.signal}); stderr: ${outcome.stderr}`);
  return JSON.parse(line.slice('RESULT '.length));
}

// A stopped (not dead) sound server: its socket accepts, nothing answers. PortAudio's open, start
// and close then block for as long as it stays stopped.
describe.skipIf(rigDir === '')('a sound server that stops answering (PulseAudio under SIGSTOP)', () => {
  test('opening: the event loop keeps turning, the capture fails with DeviceBusyError naming the sound server, the process exits', {
    timeout: 40_000,
  }, async () => {
    await rig().freeze();
    let outcome: Outcome;
    try {
      outcome = await runChild('open');
    } finally {
      await rig().thaw();
    }
    const result = resultOf(outcome);
    expect(result).toMatchObject({ name: 'DeviceBusyError', code: 'ERR_MICGATE_DEVICE_BUSY', frames: 0 });
    expect(result.message).toMatch(/sound server did not .* within 3 s \(is PulseAudio or PipeWire stopped/);
    // The default bound is 3 s.
    expect(result.failedAfterMs).toBeGreaterThan(2_900);
    expect(result.failedAfterMs).toBeLessThan(6_000);
    // A blocked JS thread would show the whole hang (seconds) here.
    expect(result.worstLateMs).toBeLessThan(500);
    expect({ code: outcome.code, signal: outcome.signal }).toEqual({ code: 0, signal: null });
    // It ended by itself, with the PortAudio thread still stuck (the server was still stopped).
    expect(outcome.exitedAfterResultMs).toBeLessThan(3_000);
    await rig().setSine(440, 0.5); // the rig plays again before the next test
  });

  test('recording: the capture ends with DeviceLostError, closing does not block, the process exits', {
    timeout: 40_000,
  }, async () => {
    let froze = false;
    let outcome: Outcome;
    try {
      outcome = await runChild('recording', (line) => {
        if (line === 'RECORDING' && !froze) {
          froze = true;
          void rig().freeze();
        }
      });
    } finally {
      await rig().thaw();
    }
    expect(froze).toBe(true);
    const result = resultOf(outcome);
    expect(result).toMatchObject({ name: 'DeviceLostError', code: 'ERR_MICGATE_DEVICE_LOST' });
    expect(result.message).toMatch(/delivered no audio for .* s \(is PulseAudio or PipeWire stopped/);
    expect(result.frames).toBeGreaterThanOrEqual(20);
    expect(result.worstLateMs).toBeLessThan(500);
    expect({ code: outcome.code, signal: outcome.signal }).toEqual({ code: 0, signal: null });
    expect(outcome.exitedAfterResultMs).toBeLessThan(3_000);
    await rig().setSine(440, 0.5);
  });
});
