import { EMPTY, Subject } from 'rxjs';
import { afterEach, describe, expect, test } from 'vitest';
import {
  type AudioSession,
  createAudioSession,
  type DeniedRecovery,
  ErrorCode,
  isDeniedRecovery,
  type RecordPermission,
  type RecordPermissionAdapter,
} from '../src/index.js';

const way: DeniedRecovery = {
  target: 'micgate-settings',
  platform: 'node',
  summary: 'Allow the microphone with the micgate command.',
  steps: ['Run: npx micgate grant notes'],
  command: 'npx micgate grant notes',
  appliesWithoutReload: true,
};

describe('isDeniedRecovery', () => {
  test('accepts a complete recovery, with and without the optional fields', () => {
    expect(isDeniedRecovery(way)).toBe(true);
    const { command: _command, ...bare } = way;
    expect(isDeniedRecovery(bare)).toBe(true);
    expect(isDeniedRecovery({ ...way, url: 'ms-settings:privacy-microphone', address: 'about:preferences' })).toBe(
      true,
    );
  });

  test.each([
    ['no object', null],
    ['an unknown target', { ...way, target: 'settings' }],
    ['a blank platform', { ...way, platform: ' ' }],
    ['a blank summary', { ...way, summary: '' }],
    ['no steps', { ...way, steps: [] }],
    ['a blank step', { ...way, steps: ['Open settings.', ''] }],
    ['a blank command', { ...way, command: '  ' }],
    ['a url that does not parse', { ...way, url: 'not a url' }],
    ['a blank address', { ...way, address: '' }],
    ['appliesWithoutReload missing', { ...way, appliesWithoutReload: undefined }],
  ])('refuses %s', (_what, value) => {
    expect(isDeniedRecovery(value)).toBe(false);
  });
});

describe('session.recovery', () => {
  const sessions: AudioSession[] = [];
  afterEach(() => {
    for (const session of sessions.splice(0)) session.close();
  });

  function setup(recovery: RecordPermissionAdapter['recovery']) {
    const changes = new Subject<RecordPermission>();
    const errors: unknown[] = [];
    const adapter: RecordPermissionAdapter = {
      name: 'test',
      supports: { changes: true, devices: false, deviceChanges: false },
      status: async () => 'undetermined',
      prompt: async () => 'denied',
      changes: () => changes,
      capture: () => EMPTY,
      ...(recovery === undefined ? {} : { recovery }),
    };
    const session = createAudioSession({ adapter, usageDescription: 'Tests.', onError: (e) => errors.push(e) });
    sessions.push(session);
    return { session, changes, errors };
  }

  test("is the adapter's recovery while denied, and undefined before and after", async () => {
    const { session, changes } = setup(() => way);
    await Promise.resolve();
    expect(session.recordPermission).toBe('undetermined');
    expect(session.recovery).toBeUndefined();
    expect(await session.requestRecordPermission()).toBe(false);
    expect(session.recovery).toEqual(way);
    changes.next('granted');
    expect(session.recovery).toBeUndefined();
  });

  test('is undefined for an adapter without recovery()', async () => {
    const { session } = setup(undefined);
    expect(await session.requestRecordPermission()).toBe(false);
    expect(session.recovery).toBeUndefined();
  });

  test('a throwing or malformed recovery() is reported to onError, never thrown at the app', async () => {
    const thrown = setup(() => {
      throw new Error('broken');
    });
    expect(await thrown.session.requestRecordPermission()).toBe(false);
    expect(thrown.session.recovery).toBeUndefined();
    expect(thrown.errors).toEqual([new Error('broken')]);

    const malformed = setup(() => ({ ...way, steps: [] }));
    expect(await malformed.session.requestRecordPermission()).toBe(false);
    expect(malformed.session.recovery).toBeUndefined();
    expect(malformed.errors).toMatchObject([{ code: ErrorCode.Adapter }]);
  });
});
