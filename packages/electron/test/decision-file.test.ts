import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@micgate/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMicrophoneBroker,
  DECISION_FILE_NAME,
  decisionFile,
  installMicrophoneBroker,
} from '../src/main/index.js';
import { FakeDialog, FakeIpcMain, FakeSession } from './electron-fakes.js';

const folders: string[] = [];
function userData(): string {
  const folder = mkdtempSync(join(tmpdir(), 'micgate-electron-userdata-'));
  folders.push(folder);
  return folder;
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the decision file in userData', () => {
  it('starts undetermined, then keeps the decision as JSON with mode 0600 and no temporary left', async () => {
    const folder = userData();
    const store = decisionFile(folder);
    expect(store.load()).toBe('undetermined');
    await store.save('granted');
    expect(store.load()).toBe('granted');
    const path = join(folder, DECISION_FILE_NAME);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1, microphone: 'granted' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual([DECISION_FILE_NAME]);
  });

  it('serialises concurrent writes: the last one wins and the file is always whole', async () => {
    const folder = userData();
    const store = decisionFile(folder);
    const order = ['granted', 'denied', 'undetermined', 'granted', 'denied'] as const;
    await Promise.all(order.map((decision) => store.save(decision)));
    expect(store.load()).toBe('denied');
    expect(readdirSync(folder)).toEqual([DECISION_FILE_NAME]);
  });

  it('reads a damaged file as undetermined and says so', () => {
    const folder = userData();
    const errors: unknown[] = [];
    writeFileSync(join(folder, DECISION_FILE_NAME), '{"microphone": "gran');
    expect(decisionFile(folder, { onError: (error) => errors.push(error) }).load()).toBe('undetermined');
    writeFileSync(join(folder, DECISION_FILE_NAME), '{"microphone": "yes"}');
    expect(decisionFile(folder, { onError: (error) => errors.push(error) }).load()).toBe('undetermined');
    expect(errors).toHaveLength(2);
  });

  it('fails a write it cannot make, leaving nothing behind', async () => {
    const folder = userData();
    const notAFolder = join(folder, 'file');
    writeFileSync(notAFolder, '');
    await expect(decisionFile(notAFolder).save('granted')).rejects.toThrow();
    expect(readdirSync(folder)).toEqual(['file']);
    await expect(decisionFile(folder).save('sure' as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => decisionFile('  ')).toThrow(InvalidArgumentError);
  });

  it('a relaunched broker (a new process) reads the decision without asking', async () => {
    const folder = userData();
    const dialog = new FakeDialog();
    const options = {
      ipcMain: new FakeIpcMain(),
      dialog,
      os: 'linux',
      allowedOrigins: ['app://bundle'],
      usageDescription: 'Records voice notes.',
    };
    const first = installMicrophoneBroker({ ...options, session: new FakeSession(), userDataPath: folder });
    dialog.answerNext('Allow');
    expect((await first.request()).permission).toBe('granted');
    first.close();
    const session = new FakeSession();
    const second = createMicrophoneBroker({
      ...options,
      session,
      ipcMain: new FakeIpcMain(),
      store: decisionFile(folder),
    });
    expect(second.status()).toEqual({ permission: 'granted' });
    expect(session.checkMedia('app://bundle')).toBe(true);
    expect(await session.requestMedia('app://bundle/index.html')).toBe(true);
    expect(dialog.shown).toHaveLength(1);
    second.close();
    dialog.dispose();
  });
});
