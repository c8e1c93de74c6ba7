import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createAudioSession, InvalidArgumentError, PromptUnavailableError, type RecordPermission } from '@micgate/core';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeAdapter, createPermissionStore, type NodeAdapterOptions } from '../src/index.js';
import { tempDir, waitFor } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

/** An adapter whose prompt is played through plain streams; `shown` is everything it wrote. */
function playedAdapter(extra: Partial<NodeAdapterOptions> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const seen = { text: '' };
  output.setEncoding('utf8').on('data', (chunk: string) => (seen.text += chunk));
  const adapter = createNodeAdapter({
    appId: 'recorder',
    configDir: dir.path,
    input,
    output,
    interactive: true,
    ...extra,
  });
  const questions = () => seen.text.split('Allow? [y/n]').length - 1;
  const answer = async (typed: string | null) => {
    const before = questions();
    await waitFor(() => (questions() > 0 && questions() >= before ? true : undefined), 2000, 'the question');
    if (typed === null) input.end();
    else input.write(typed);
  };
  return { adapter, input, output, seen, questions, answer };
}

describe('createNodeAdapter', () => {
  it('is the node platform with changes and devices', () => {
    const { adapter } = playedAdapter();
    expect(adapter.name).toBe('node');
    expect(adapter.supports).toEqual({ changes: true, devices: true, deviceChanges: true });
    expect(adapter.appId).toBe('recorder');
    expect(adapter.store.path).toBe(dir.path);
  });

  it.each([
    ['options', null],
    ['appId', {}],
    ['appId', { appId: '' }],
    ['appId', { appId: 'has space' }],
    ['appName', { appId: 'a', appName: '  ' }],
    ['configDir', { appId: 'a', configDir: '/x', store: createPermissionStore({ configDir: '/x' }) }],
    ['configDir', { appId: 'a', configDir: '' }],
    ['store', { appId: 'a', store: {} }],
    ['device', { appId: 'a', device: -1 }],
    ['device', { appId: 'a', device: '' }],
    ['input', { appId: 'a', input: {} }],
    ['output', { appId: 'a', output: 'stderr' }],
    ['interactive', { appId: 'a', interactive: 'yes' }],
    ['onError', { appId: 'a', onError: { warn: console.log } }],
    ['capture', { appId: 'a', capture: 'fast' }],
    ['capture.device', { appId: 'a', capture: { device: 'x' } }],
    ['latency', { appId: 'a', capture: { latency: -1 } }],
    ['onOverflow', { appId: 'a', capture: { onOverflow: 'log' } }],
  ])('refuses a bad %s with InvalidArgumentError naming it', (field, options) => {
    let caught: unknown;
    try {
      createNodeAdapter(options as NodeAdapterOptions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect(caught).toMatchObject({ field });
  });

  it('asks once, shows the purpose, and remembers a grant for the next process', async () => {
    const { adapter, seen, answer } = playedAdapter({ appName: 'Recorder' });
    expect(await adapter.status()).toBe('undetermined');
    const asked = adapter.prompt({ usageDescription: 'To record voice memos.' });
    await answer('y\n');
    expect(await asked).toBe('granted');
    expect(seen.text).toBe('“Recorder” would like to use the microphone. To record voice memos. Allow? [y/n] ');
    expect(await adapter.status()).toBe('granted');
    const relaunched = playedAdapter();
    expect(await relaunched.adapter.status()).toBe('granted');
    expect(relaunched.seen.text).toBe('');
  });

  it('remembers a denial, and remembers nothing when the prompt is dismissed', async () => {
    const first = playedAdapter();
    const dismissed = first.adapter.prompt({ usageDescription: 'To record.' });
    await first.answer(null);
    expect(await dismissed).toBe('undetermined');
    expect(await first.adapter.status()).toBe('undetermined');
    expect(await first.adapter.store.list()).toEqual({});

    const second = playedAdapter();
    const denied = second.adapter.prompt({ usageDescription: 'To record.', appName: 'From the session' });
    await second.answer('n\n');
    expect(await denied).toBe('denied');
    expect(second.seen.text).toContain('“From the session” would like');
    expect(await second.adapter.status()).toBe('denied');
  });

  it("still answers with the user's decision when it cannot be saved, and says so", async () => {
    const errors: unknown[] = [];
    const notAFolder = join(dir.path, 'file');
    await writeFile(notAFolder, 'in the way');
    const { adapter, answer } = playedAdapter({ configDir: notAFolder, onError: (error) => void errors.push(error) });
    const asked = adapter.prompt({ usageDescription: 'To record.' });
    await answer('y\n');
    expect(await asked).toBe('granted');
    expect(errors.every((error) => error instanceof Error)).toBe(true);
    expect(errors.map((error) => (error as Error).message).join('\n')).toMatch(
      /could not remember that recorder was granted microphone access .*it will ask again next time/,
    );
  });

  it('shows one question to callers who ask at once, and they share its answer', async () => {
    const { adapter, answer, questions } = playedAdapter();
    const both = Promise.all([
      adapter.prompt({ usageDescription: 'To record.' }),
      adapter.prompt({ usageDescription: 'To record.' }),
    ]);
    await answer('yes\n');
    expect(await both).toEqual(['granted', 'granted']);
    expect(questions()).toBe(1);
  });

  it('close() dismisses a prompt still open', async () => {
    const { adapter, questions } = playedAdapter();
    const asked = adapter.prompt({ usageDescription: 'To record.' });
    await waitFor(() => (questions() === 1 ? true : undefined), 2000, 'the question');
    let changesEnded = false;
    adapter.changes().subscribe({ complete: () => (changesEnded = true) });
    adapter.close();
    expect(await asked).toBe('undetermined');
    expect(await adapter.status()).toBe('undetermined');
    expect(changesEnded, 'changes() ends with the adapter').toBe(true);
    expect(await adapter.prompt({ usageDescription: 'To record.' }), 'a closed adapter asks nobody').toBe(
      'undetermined',
    );
    expect(questions()).toBe(1);
  });

  it('fails with PromptUnavailableError where nobody can answer, granting nothing', async () => {
    const adapter = createNodeAdapter({
      appId: 'recorder',
      configDir: dir.path,
      input: new PassThrough(),
      output: new PassThrough(),
    });
    await expect(adapter.prompt({ usageDescription: 'To record.' })).rejects.toBeInstanceOf(PromptUnavailableError);
    expect(await adapter.status()).toBe('undetermined');
  });

  it('reports decisions made outside the app through changes(), starting from the one in force', async () => {
    const { adapter } = playedAdapter();
    const outside = createPermissionStore({ configDir: dir.path });
    await outside.set('recorder', 'denied');
    const seen: RecordPermission[] = [];
    const subscription = adapter.changes().subscribe((value) => seen.push(value));
    try {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await outside.set('someone-else', 'granted');
      await outside.set('recorder', 'granted');
      await waitFor(() => (seen.length > 1 ? true : undefined), 2000, 'the grant');
      await outside.reset('recorder');
      await waitFor(() => (seen.length > 2 ? true : undefined), 2000, 'the reset');
      expect(seen).toEqual(['denied', 'granted', 'undetermined']);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('drives an AudioSession: one prompt for the request, and an outside change reaches recordPermission$', async () => {
    const { adapter, answer, questions } = playedAdapter();
    const session = createAudioSession({ adapter, usageDescription: 'To record voice memos.' });
    try {
      const request = session.requestRecordPermission();
      await answer('y\n');
      expect(await request).toBe(true);
      expect(session.recordPermission).toBe('granted');
      const next = firstValueFrom(session.recordPermission$.pipe(take(2), toArray()));
      await createPermissionStore({ configDir: dir.path }).set('recorder', 'denied');
      expect(await next).toEqual(['granted', 'denied']);
      expect(await session.requestRecordPermission()).toBe(false);
      expect(questions()).toBe(1);
    } finally {
      session.close();
    }
  });
});
