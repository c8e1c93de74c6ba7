import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { channelOf, measureTone } from '@micgate/test-utils';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const recorderBin = join(appDir, 'dist', 'main.js');
export const repoRoot = join(appDir, '..', '..');
export const micgateBin = join(appDir, '..', '..', 'packages', 'node', 'dist', 'cli.js');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'micgate-record-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Collect a child's output until it ends; kill it after `timeoutMs`. */
export function finished(child: ChildProcess, timeoutMs = 25_000): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `cwd` decides the advice printed: a folder without a package.json gives `npx micgate …`. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv, cwd = env.HOME): ChildProcess {
  return spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Frequency of a tone in the first channel: the median over 50 ms windows, so a dropout of the
 * virtual source on a loaded machine does not skew it.
 */
export function dominantFrequency(samples: Float32Array, channels: number, sampleRate: number): number {
  return measureTone(channelOf(samples, channels), sampleRate, 0.05).frequency;
}

/** Resolve once the child's stderr matches `pattern`; reject after `timeoutMs` or if it ends first. */
export function stderrShows(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const stop = (error?: Error) => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer | string) => {
      seen += chunk.toString();
      if (pattern.test(seen)) stop();
    };
    const onClose = () => stop(new Error(`the child ended before stderr showed ${pattern}: ${seen}`));
    const timer = setTimeout(
      () => stop(new Error(`stderr did not show ${pattern} within ${timeoutMs} ms: ${seen}`)),
      timeoutMs,
    );
    child.stderr?.on('data', onData);
    child.on('close', onClose);
  });
}
