import { spawn } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createAudioSession, isDeniedRecovery } from '@micgate/core';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createNodeAdapter, type NodeAdapter } from '../src/index.js';
import { shellWord } from '../src/permission/recovery.js';
import { finished, micgateBin, tempDir } from './helpers.js';

let home: { path: string; remove: () => Promise<void> };
let project: string;
const adapters: NodeAdapter[] = [];

/**
 * A user's own project with micgate installed as npm installs it: the `micgate` bin linked into
 * node_modules/.bin (here the built @micgate/node bin, which `npm install micgate` hoists and links).
 */
async function makeProject(): Promise<string> {
  const dir = join(home.path, 'my-app');
  await mkdir(join(dir, 'node_modules', '.bin'), { recursive: true });
  await writeFile(join(dir, 'package.json'), '{ "name": "my-app", "private": true }\n');
  await symlink(micgateBin, join(dir, 'node_modules', '.bin', 'micgate'));
  return dir;
}

/** Run `line` in a shell in the project, as a user types it; offline, so npx can only use the project's bin. */
function runAsTyped(line: string) {
  const child = spawn('sh', ['-c', line], {
    cwd: project,
    env: {
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      HOME: home.path,
      XDG_CONFIG_HOME: join(home.path, 'config'),
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
      npm_config_cache: join(home.path, 'npm-cache'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return finished(child, 60_000);
}

async function deniedSession(appId: string, configDir?: string) {
  const adapter = createNodeAdapter({ appId, interactive: false, ...(configDir === undefined ? {} : { configDir }) });
  adapters.push(adapter);
  await adapter.store.set(appId, 'denied');
  const session = createAudioSession({ adapter, usageDescription: 'Tests the way back.' });
  expect(await session.requestRecordPermission()).toBe(false);
  return session;
}

beforeEach(async () => {
  home = await tempDir('micgate-recovery-');
  vi.stubEnv('XDG_CONFIG_HOME', join(home.path, 'config'));
  project = await makeProject();
});
afterEach(async () => {
  for (const adapter of adapters.splice(0)) adapter.close();
  vi.unstubAllEnvs();
  await home.remove();
});

describe('the Node way back from denied', () => {
  test('is `npx micgate grant <appId>`, and running it as printed in a project re-enables the running app', async () => {
    const session = await deniedSession('com.example.notes');
    const recovery = session.recovery;
    expect(isDeniedRecovery(recovery)).toBe(true);
    expect(recovery).toMatchObject({
      target: 'micgate-settings',
      platform: 'node',
      command: 'npx micgate grant com.example.notes',
      appliesWithoutReload: true,
    });
    expect(recovery!.steps[0]).toContain(recovery!.command);

    const ran = await runAsTyped(recovery!.command!);
    expect(ran).toMatchObject({ code: 0, stdout: 'com.example.notes may now use the microphone.\n' });
    // The running session's store watcher picks the change up: no restart.
    await vi.waitFor(() => expect(session.recordPermission).toBe('granted'), { timeout: 5_000, interval: 20 });
    expect(session.recovery).toBeUndefined();
    session.close();
  });

  test('names a store outside the default folder, and quotes what a shell would misread', async () => {
    const configDir = join(home.path, "app's data", 'micgate');
    const session = await deniedSession('@acme/notes', configDir);
    const command = session.recovery?.command;
    expect(command).toBe(`npx micgate grant '@acme/notes' --config-dir '${configDir.replace("'", `'\\''`)}'`);

    expect(await runAsTyped(command!)).toMatchObject({ code: 0 });
    await vi.waitFor(() => expect(session.recordPermission).toBe('granted'), { timeout: 5_000, interval: 20 });
    // The default store was left alone.
    const other = createNodeAdapter({ appId: '@acme/notes', interactive: false });
    adapters.push(other);
    expect(await other.status()).toBe('undetermined');
    session.close();
  });

  test('--config-dir without a folder is a usage error (status 2)', async () => {
    for (const line of ['npx micgate list --config-dir', 'npx micgate --config-dir --json list']) {
      expect(await runAsTyped(line)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--config-dir needs a folder'),
      });
    }
  });

  test('shellWord leaves plain words alone and quotes the rest', () => {
    expect(shellWord('micgate-record')).toBe('micgate-record');
    expect(shellWord('com.example/notes+beta')).toBe('com.example/notes+beta');
    expect(shellWord('/home/me/.config/micgate')).toBe('/home/me/.config/micgate');
    expect(shellWord('@scope/app')).toBe("'@scope/app'");
    expect(shellWord('/tmp/my dir')).toBe("'/tmp/my dir'");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(shellWord('$(rm -rf ~)')).toBe("'$(rm -rf ~)'");
  });
});
