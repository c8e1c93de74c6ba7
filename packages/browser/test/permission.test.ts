import { InvalidArgumentError, type RecordPermission } from '@micgate/core';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeAll, beforeEach, describe, expect, onTestFinished, test } from 'vitest';
import { createBrowserAdapter, createExplanationDialog, type PermissionsLike } from '../src/index.js';
import {
  clickPage,
  browserPermission,
  createMicrophoneGate,
  type MicrophoneGate,
  setMicrophonePermission,
  waitFor,
} from '@micgate/chromium-rig/page';

// Chromium keeps its default autoplay policy: AudioContexts start only after a user gesture, so
// the page gets one real click first, as a user gives one (test/user-gesture.test.ts tests the page before any).
beforeAll(() => clickPage());

let gate: MicrophoneGate;

beforeEach(async () => {
  await setMicrophonePermission('undetermined');
  gate = createMicrophoneGate();
});
afterEach(() => gate.dispose());

const request = { usageDescription: 'To record your voice memo.' };

function collect<T>(observable: { subscribe(next: (value: T) => void): { unsubscribe(): void } }) {
  const values: T[] = [];
  const subscription = observable.subscribe((value) => values.push(value));
  return { values, stop: () => subscription.unsubscribe() };
}

describe('status from the Permissions API', () => {
  test('maps prompt / denied / granted to undetermined / denied / granted, without prompting', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const seen: RecordPermission[] = [];
    for (const state of ['undetermined', 'granted', 'denied', 'undetermined'] as const) {
      await setMicrophonePermission(state);
      seen.push(await adapter.status());
    }
    expect(seen).toEqual(['undetermined', 'granted', 'denied', 'undetermined']);
    expect(gate.prompts()).toEqual([]);
  });

  test('changes() reports decisions made in the browser (PermissionStatus change) and stops listening on unsubscribe', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const changes = collect(adapter.changes());
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the first query settle
    await setMicrophonePermission('granted');
    await waitFor(() => changes.values.length === 1, 3_000, 'the grant to be reported');
    await setMicrophonePermission('denied');
    await waitFor(() => changes.values.length === 2, 3_000, 'the denial to be reported');
    changes.stop();
    await setMicrophonePermission('granted');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(changes.values).toEqual(['granted', 'denied']);
  });

  test('fallback where `change` never fires (Safari): re-checks on focus and on visibilitychange', async () => {
    // A PermissionStatus snapshot without events, like WebKit's.
    const quiet: PermissionsLike = {
      query: async (descriptor) => ({
        state: (await navigator.permissions.query(descriptor as PermissionDescriptor)).state,
      }),
    };
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, permissions: quiet });
    const changes = collect(adapter.changes());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await setMicrophonePermission('granted');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(changes.values, 'nothing without an event to learn from').toEqual([]);
    window.dispatchEvent(new Event('focus'));
    await waitFor(() => changes.values.length === 1, 3_000, 'the re-check on focus');
    await setMicrophonePermission('denied');
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => changes.values.length === 2, 3_000, 'the re-check on visibilitychange');
    expect(changes.values).toEqual(['granted', 'denied']);
    changes.stop();
  });

  test('fallback where the microphone name is unsupported (older Firefox throws TypeError): learns from getUserMedia', async () => {
    const throwing: PermissionsLike = {
      query: () =>
        Promise.reject(
          new TypeError("'microphone' (value of 'name' member of PermissionDescriptor) is not a valid value"),
        ),
    };
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, permissions: throwing });
    expect(await adapter.status()).toBe('undetermined');
    const changes = collect(adapter.changes());
    gate.answerNextPrompt('grant');
    expect(await adapter.prompt(request)).toBe('granted');
    await waitFor(() => changes.values.length === 1, 3_000, 'the learned grant');
    expect(await adapter.status()).toBe('granted');
    expect(changes.values).toEqual(['granted']);
    changes.stop();
  });

  test('without navigator.permissions at all, status is what getUserMedia showed', async () => {
    await setMicrophonePermission('denied');
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, permissions: null });
    expect(await adapter.status()).toBe('undetermined');
    expect(await adapter.prompt(request)).toBe('denied');
    expect(await adapter.status()).toBe('denied');
  });
});

describe('prompt = getUserMedia', () => {
  test('the user allows: granted, the purpose string was shown first, and the probe stream is stopped', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, explain: gate.explain });
    gate.answerNextPrompt('grant', 100);
    expect(await adapter.prompt(request)).toBe('granted');
    expect(gate.prompts()).toEqual([request.usageDescription]);
    expect(gate.liveTracks()).toHaveLength(0);
    expect(await browserPermission()).toBe('granted');
  });

  test('the user blocks: denied, from the real NotAllowedError', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    gate.answerNextPrompt('deny');
    expect(await adapter.prompt(request)).toBe('denied');
    expect(await browserPermission()).toBe('denied');
  });

  test("the answer comes from getUserMedia's outcome, not from re-reading the status", async () => {
    const stuck: PermissionsLike = { query: async () => ({ state: 'prompt' }) };
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, permissions: stuck });
    gate.answerNextPrompt('grant');
    expect(await adapter.prompt(request)).toBe('granted');
    expect(await adapter.status()).toBe('undetermined'); // what the (lying) API says
  });

  test('a prompt the user ignores can be abandoned with an AbortSignal; the later answer is still recorded and nothing leaks', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const controller = new AbortController();
    const pending = adapter.prompt(request, { signal: controller.signal });
    await waitFor(() => gate.pending() === 1, 3_000, 'the prompt to open');
    const started = performance.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(500);
    // Another caller is not blocked by the abandoned one.
    await setMicrophonePermission('granted');
    expect(await createBrowserAdapter({ getUserMedia: gate.getUserMedia }).prompt(request)).toBe('granted');
    gate.answerNextPrompt('grant');
    await waitFor(() => gate.pending() === 0, 3_000, 'the abandoned prompt to settle');
    expect(await adapter.status()).toBe('granted');
    await waitFor(() => gate.liveTracks().length === 0, 2_000, 'the late stream to be stopped');
  });

  test('the in-page explanation shows the purpose string; "Not now" dismisses without a browser prompt', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, explain: createExplanationDialog() });
    const answer = adapter.prompt({ usageDescription: 'To transcribe the meeting.', appName: 'Notes' });
    await waitFor(() => document.querySelector('dialog.micgate-explanation') !== null, 2_000, 'the explanation');
    const dialog = document.querySelector('dialog.micgate-explanation')!;
    expect(dialog.querySelector('.micgate-explanation-purpose')?.textContent).toBe('To transcribe the meeting.');
    expect(dialog.textContent).toContain('Notes');
    const buttons = [...dialog.querySelectorAll('button')];
    buttons.find((button) => button.textContent === 'Not now')!.click();
    expect(await answer).toBe('undetermined');
    expect(gate.prompts()).toEqual([]);
    expect(document.querySelector('dialog.micgate-explanation')).toBeNull();
  });

  test('the explanation closes when the prompt is abandoned', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, explain: createExplanationDialog() });
    const controller = new AbortController();
    const answer = adapter.prompt(request, { signal: controller.signal });
    await waitFor(() => document.querySelector('dialog.micgate-explanation') !== null, 2_000, 'the explanation');
    controller.abort();
    await expect(answer).rejects.toMatchObject({ name: 'AbortError' });
    expect(document.querySelector('dialog.micgate-explanation')).toBeNull();
  });

  test('callers share one open prompt; one abandoning it leaves it open for the others', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, explain: gate.explain });
    const controller = new AbortController();
    const leaving = adapter.prompt(request, { signal: controller.signal });
    const staying = adapter.prompt({ usageDescription: 'A second caller.' });
    await waitFor(() => gate.pending() === 1, 3_000, 'the prompt to open');
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ name: 'AbortError' });
    expect(gate.pending(), 'still open for the other caller').toBe(1);
    gate.answerNextPrompt('grant');
    expect(await staying).toBe('granted');
    expect(gate.prompts(), 'one prompt, with the first caller’s purpose').toEqual([request.usageDescription]);
  });

  test('close() settles an open prompt as undetermined, closes the explanation and ends changes()', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia, explain: createExplanationDialog() });
    let changesEnded = false;
    adapter.changes().subscribe({ complete: () => (changesEnded = true) });
    const answer = adapter.prompt(request);
    await waitFor(() => document.querySelector('dialog.micgate-explanation') !== null, 2_000, 'the explanation');
    adapter.close();
    expect(await answer).toBe('undetermined');
    expect(document.querySelector('dialog.micgate-explanation')).toBeNull();
    expect(changesEnded).toBe(true);
    expect(await adapter.prompt(request), 'a closed adapter asks nobody').toBe('undetermined');
    expect(gate.prompts()).toEqual([]);
  });

  test('bad input is refused with a typed error naming the field, before anything opens', async () => {
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    await expect(adapter.prompt({ usageDescription: 5 } as never)).rejects.toMatchObject({ field: 'usageDescription' });
    expect(() => createBrowserAdapter({ device: 7 } as never)).toThrow(InvalidArgumentError);
    expect(() => adapter.capture({ sampleRate: 1, channels: 1, framesPerBuffer: 1024 })).toThrow(/sampleRate/);
    expect(() => adapter.capture({ sampleRate: 48_000, channels: 1.5, framesPerBuffer: 1024 })).toThrow(/channels/);
    expect(gate.prompts()).toEqual([]);
  });
});

describe('revocation while capturing', () => {
  test('the track ends, capture goes quiet without an error and closes its AudioContext, changes() reports the denial', async () => {
    await setMicrophonePermission('granted');
    const contexts: AudioContext[] = [];
    const RealAudioContext = globalThis.AudioContext;
    globalThis.AudioContext = class extends RealAudioContext {
      constructor(options?: AudioContextOptions) {
        super(options);
        contexts.push(this);
      }
    };
    onTestFinished(() => {
      globalThis.AudioContext = RealAudioContext;
    });
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    const changes = collect(adapter.changes());
    let failed: unknown;
    let frames = 0;
    const subscription = adapter.capture({ sampleRate: 48_000, channels: 1, framesPerBuffer: 512 }).subscribe({
      next: () => frames++,
      error: (error: unknown) => (failed = error),
    });
    await waitFor(() => frames >= 5 || failed !== undefined, 5_000, 'frames to flow');
    expect(failed).toBeUndefined();
    expect(gate.liveTracks()).toHaveLength(1);
    await setMicrophonePermission('denied');
    await waitFor(() => gate.liveTracks().length === 0, 3_000, 'the track to end');
    await waitFor(() => changes.values.includes('denied'), 3_000, 'the denial');
    expect(contexts).toHaveLength(1);
    await waitFor(() => contexts[0]!.state === 'closed', 2_000, 'the AudioContext to close');
    const after = frames;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(frames - after, 'no frames after revocation').toBeLessThanOrEqual(1);
    expect(failed).toBeUndefined();
    subscription.unsubscribe();
    changes.stop();
  });

  test('devices() lists the fake input once allowed', async () => {
    await setMicrophonePermission('granted');
    const adapter = createBrowserAdapter({ getUserMedia: gate.getUserMedia });
    // Labels appear once the page has held a stream.
    await firstValueFrom(
      adapter.capture({ sampleRate: 48_000, channels: 1, framesPerBuffer: 128 }).pipe(take(2), toArray()),
    );
    const devices = await adapter.devices!();
    expect(devices.length).toBeGreaterThanOrEqual(1);
    expect(devices.some((device) => device.isDefault)).toBe(true);
    expect(devices.map((device) => device.name).join()).toMatch(/fake/i);
  });
});
