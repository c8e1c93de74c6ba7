/**
 * The WAV on disk when the disk fills up (a small tmpfs; `ulimit -f`) and when the recorder is
 * killed with SIGKILL: the header always counts exactly the sample bytes the file holds.
 * Access is denied here, so the recorder writes real-time silence and needs no sound server.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav } from '@micgate/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { finished, micgateBin, recorderBin, spawnNode, stderrShows, tempDir } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  dir = await tempDir();
  env = { PATH: process.env.PATH, HOME: dir.path, XDG_CONFIG_HOME: join(dir.path, 'config') };
  expect((await finished(spawnNode([micgateBin, 'deny', 'micgate-record', '--force'], env))).code).toBe(0);
});
afterEach(() => dir.remove());

function headerMatchesFile(path: string) {
  const bytes = new Uint8Array(readFileSync(path));
  const view = new DataView(bytes.buffer);
  return {
    fileBytes: bytes.length,
    dataSize: view.getUint32(40, true),
    riffSize: view.getUint32(4, true),
    wav: decodeWav(bytes),
  };
}

const hasSox = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v sox'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** What sox says on stderr reading the file to nowhere: a "Premature EOF" warning when the header claims too much. */
const soxComplaints = (path: string) => {
  const result = spawnSync('sox', ['-V2', path, '-n'], { encoding: 'utf8' });
  return `${result.stderr}${result.status === 0 ? '' : ` (sox exited ${result.status})`}`;
};

function expectTrueHeader(path: string, stderr: string) {
  const { fileBytes, dataSize, riffSize, wav } = headerMatchesFile(path);
  console.info(`full disk: ${fileBytes} bytes on disk, header counts ${dataSize} bytes of samples`);
  expect(dataSize).toBe(fileBytes - 44);
  expect(riffSize).toBe(fileBytes - 8);
  expect(dataSize % 4).toBe(0); // whole stereo pcm16 frames
  expect(wav.frames * 4).toBe(dataSize);
  expect(dataSize).toBeGreaterThan(100_000);
  const said = Number(/Saved what was recorded: .*: ([\d.]+) s at 192000 Hz/.exec(stderr)?.[1]);
  expect(Math.abs(said - wav.frames / 192_000)).toBeLessThan(0.01);
  if (hasSox) expect(soxComplaints(path)).toBe('');
}

// 192 kHz stereo is 768 kB/s: a 256 kB medium fills in a third of a second, mid-buffer.
const FAST = ['--seconds', '3', '--rate', '192000', '--channels', '2'];

describe('micgate-record on a full disk', () => {
  let mountPoint: string | undefined;
  let mountRefused = '';
  beforeAll(() => {
    const path = join('/tmp', `micgate-tmpfs-${process.pid}`);
    mkdirSync(path, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', path], { stdio: 'pipe' });
      mountPoint = path;
    } catch (error) {
      mountRefused = String((error as { stderr?: Buffer }).stderr ?? error);
      console.log(
        `mount -t tmpfs was refused (${mountRefused.trim()}): the tmpfs case cannot run here; ulimit -f covers the short write`,
      );
    }
  });
  afterAll(() => {
    if (mountPoint) execFileSync('umount', [mountPoint]);
  });

  it('on a 256 kB tmpfs: stops, says so, and the header counts exactly the bytes on disk, status 1', async (context) => {
    if (!mountPoint) return context.skip(`mount refused: ${mountRefused}`);
    const out = join(mountPoint, 'full.wav');
    const result = await finished(spawnNode([recorderBin, out, ...FAST], env));
    expect(result.stderr).toMatch(
      /could not write .*full\.wav: the disk is full or the file reached its size limit: \d+ bytes of samples were saved \[ERR_MICGATE_WAV_WRITE\]/,
    );
    expect(result.code).toBe(1);
    expectTrueHeader(out, result.stderr);
    expect(statSync(out).size).toBeLessThanOrEqual(256 * 1024);
  });

  it('under `ulimit -f 256` (SIGXFSZ ignored, so write() returns EFBIG): the same', async () => {
    const out = join(dir.path, 'limited.wav');
    const command = `trap '' XFSZ; ulimit -f 256; exec "${process.execPath}" "${recorderBin}" "${out}" ${FAST.join(' ')}`;
    const result = await finished(
      spawn('bash', ['-c', command], { env, cwd: dir.path, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    expect(result.stderr).toMatch(
      /could not write .*limited\.wav: the disk is full or the file reached its size limit/,
    );
    expect(result.code).toBe(1);
    expectTrueHeader(out, result.stderr);
    expect(statSync(out).size).toBeLessThanOrEqual(256 * 1024);
  });
});

describe('micgate-record killed with SIGKILL', () => {
  it('leaves a WAV whose header counts all but at most one ~20 ms buffer of what is on disk, even in the first second', async () => {
    const out = join(dir.path, 'killed.wav');
    const child = spawnNode([recorderBin, out, '--seconds', '20'], env);
    const done = finished(child);
    await stderrShows(child, /^Recording 20 s/m, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    child.kill('SIGKILL');
    const result = await done;
    expect(result.signal).toBe('SIGKILL');
    const { fileBytes, dataSize, wav } = headerMatchesFile(out);
    const oneBuffer = 960 * 2; // 48 kHz / 50 × 16-bit mono
    console.info(`killed: ${fileBytes - 44} sample bytes on disk, header counts ${dataSize}`);
    expect(dataSize).toBeGreaterThan(0);
    expect(fileBytes - 44 - dataSize).toBeGreaterThanOrEqual(0);
    expect(fileBytes - 44 - dataSize).toBeLessThanOrEqual(oneBuffer);
    expect(wav.frames).toBe(dataSize / 2);
  });
});
