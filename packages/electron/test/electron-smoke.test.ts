import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { bundleSmokePreload, smokeApp } from './electron-smoke/bundle.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The Electron binary, if this machine has one: MICGATE_ELECTRON_BINARY, or the one the electron
 * package downloaded (its path.txt). Here the download host is unreachable, so usually none.
 */
function electronBinary(): string | undefined {
  const fromEnv = process.env.MICGATE_ELECTRON_BINARY;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const packageDir = join(here, '..', 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
const NOT_RUN =
  'NOT RUN: no Electron binary on this machine (set MICGATE_ELECTRON_BINARY, or install electron with its download)';
if (!binary) console.info(`[@micgate/electron] real Electron smoke test ${NOT_RUN}`);

function launch(userData: string, answer: 'Allow' | 'none'): Record<string, unknown> {
  const args = [join(smokeApp, 'main.mjs'), '--no-sandbox', '--disable-gpu'];
  const headless = process.platform === 'linux' && !process.env.DISPLAY;
  const [command, commandArgs] = headless ? ['xvfb-run', ['-a', binary!, ...args]] : [binary!, args];
  const run = spawnSync(command, commandArgs as string[], {
    env: {
      ...process.env,
      MICGATE_SMOKE_ANSWER: answer,
      MICGATE_SMOKE_USER_DATA: userData,
      ELECTRON_ENABLE_LOGGING: '1',
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const line = run.stdout.split('\n').find((text) => text.startsWith('MICGATE_SMOKE '));
  if (!line) throw new Error(`Electron printed no result (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(line.slice('MICGATE_SMOKE '.length)) as Record<string, unknown>;
}

describe('a real Electron app', () => {
  test('the smoke app builds here: its sandboxed preload requires nothing but electron', async () => {
    const bundle = await bundleSmokePreload();
    try {
      const code = readFileSync(bundle, 'utf8');
      expect([...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1])).toEqual(['electron']);
      expect(code).toContain('micgate:microphone:request');
    } finally {
      rmSync(bundle, { force: true });
    }
  });

  test.skipIf(!binary)(
    `broker + bridge in real Electron: remembered decision, video refused ${binary ? '' : `(${NOT_RUN})`}`,
    async () => {
      await bundleSmokePreload();
      const userData = mkdtempSync(join(tmpdir(), 'micgate-electron-smoke-'));
      try {
        const first = launch(userData, 'Allow');
        expect(first).toMatchObject({
          page: {
            keys: ['onChange', 'request', 'status'],
            before: { ok: true, permission: 'undetermined' },
            request: { ok: true, permission: 'granted' },
            audio: 1,
            video: 'NotAllowedError',
            query: 'granted',
          },
          shown: ['micgate smoke test (bridge)'],
          main: { permission: 'granted' },
        });
        // A new process reads the decision from userData and shows no dialog.
        const second = launch(userData, 'none');
        expect(second).toMatchObject({ page: { before: { ok: true, permission: 'granted' }, audio: 1 }, shown: [] });
      } finally {
        rmSync(userData, { recursive: true, force: true });
        rmSync(join(smokeApp, 'preload.bundle.cjs'), { force: true });
      }
    },
    90_000,
  );
});
