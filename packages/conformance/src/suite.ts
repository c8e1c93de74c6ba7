import {
  type AudioFormat,
  type AudioSession,
  type AudioSessionOptions,
  createAudioSession,
  type RecordPermissionAdapter,
} from '@micgate/core';
import { config as rxjsConfig } from 'rxjs';
import { afterAll, afterEach, beforeEach, describe, expect, type TestContext, test } from 'vitest';
import type { ConformanceHarness, CreateHarness, DeviceFault } from './harness.js';
import { gapsIn, type Recording, startRecording, watchPermission } from './recorder.js';
import { channelOf, concat, measureTone, rmsOf } from './signal.js';

export const CONFORMANCE_PURPOSE = 'micgate conformance: records a test tone to check capture.';

export interface ConformanceOptions {
  /** Per-test timeout in real milliseconds. Default 30,000. */
  timeoutMs?: number;
}

/** Step the harness clock moves while the suite waits for something. */
const STEP_MS = 10;
const BAD_FORMATS: [Partial<AudioFormat> | Record<string, unknown>, string][] = [
  [{ sampleRate: Number.NaN }, 'sampleRate'],
  [{ sampleRate: Number.POSITIVE_INFINITY }, 'sampleRate'],
  [{ sampleRate: 7_999 }, 'sampleRate'],
  [{ sampleRate: 384_001 }, 'sampleRate'],
  [{ sampleRate: '48000' }, 'sampleRate'],
  [{ channels: 0 }, 'channels'],
  [{ channels: 33 }, 'channels'],
  [{ channels: 1.5 }, 'channels'],
  [{ framesPerBuffer: 15 }, 'framesPerBuffer'],
  [{ framesPerBuffer: 16_385 }, 'framesPerBuffer'],
  [{ framesPerBuffer: 100.5 }, 'framesPerBuffer'],
];

/**
 * The promises every micgate adapter keeps (DESIGN.md R1–R14 and the capture checks), as one
 * Vitest suite. `createHarness` makes a fresh platform per test with the decision undetermined.
 * The adapter's `supports` and what the rig can stage (`harness.can`) decide which tests run; the rest are reported as not run.
 */
export function describeConformance(name: string, createHarness: CreateHarness, options: ConformanceOptions = {}): void {
  describe(`micgate conformance: ${name}`, { timeout: options.timeoutMs ?? 30_000 }, () => {
    let h: ConformanceHarness;
    let sessions: AudioSession[] = [];
    let recordings: Recording[] = [];
    const notRun: string[] = [];

    beforeEach(async () => {
      h = await createHarness();
      sessions = [];
      recordings = [];
    });
    afterEach(async () => {
      for (const recording of recordings) recording.stop();
      for (const session of sessions) session.close();
      await h.dispose();
    });
    afterAll(() => {
      if (notRun.length > 0) {
        console.info(`[micgate conformance: ${name}] not run on this platform:\n${notRun.map((line) => `  - ${line}`).join('\n')}`);
      }
    });

    // ---- helpers -------------------------------------------------------------------------

    function open(overrides: Partial<AudioSessionOptions> = {}, adapter: RecordPermissionAdapter = h.adapter): AudioSession {
      const session = createAudioSession({
        adapter,
        usageDescription: CONFORMANCE_PURPOSE,
        ...(h.scheduler ? { scheduler: h.scheduler } : {}),
        ...overrides,
      });
      sessions.push(session);
      return session;
    }

    function record(session: AudioSession, format: Partial<AudioFormat> = h.format, onFrame?: Parameters<typeof startRecording>[3]) {
      const recording = startRecording(session, () => h.clock.now(), format, onFrame);
      recordings.push(recording);
      return recording;
    }

    function requires(ctx: TestContext, supported: boolean, what: string, reason: string | undefined): void {
      if (!supported) {
        const why = `${name} cannot ${what}${reason ? `: ${reason}` : ''}`;
        notRun.push(`${ctx.task.name} — ${why}`);
        ctx.skip(why);
      }
    }

    function requiresChanges(ctx: TestContext): void {
      if (!h.adapter.supports.changes) {
        const why = `the ${name} adapter declares supports.changes false: it cannot report decisions made outside the app`;
        notRun.push(`${ctx.task.name} — ${why}`);
        ctx.skip(why);
      }
    }

    function requiresFault(ctx: TestContext, fault: DeviceFault): void {
      const supported = h.can.faults[fault] && h.device.injectFault !== undefined;
      requires(ctx, supported, `inject a '${fault}' device fault`, h.reasons?.[fault]);
    }

    async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
      const start = h.clock.now();
      const limit = timeoutMs + slackMs();
      while (!(await condition())) {
        if (h.clock.now() - start > limit) throw new Error(`timed out after ${limit} ms waiting for ${what}`);
        await h.clock.advance(STEP_MS);
      }
    }

    /** A promise's outcome, letting (virtual) time run while it settles. */
    async function outcome<T>(promise: Promise<T>, what: string, timeoutMs?: number): Promise<{ value?: T; error?: unknown }> {
      let result: { value?: T; error?: unknown } | undefined;
      promise.then(
        (value) => {
          result = { value };
        },
        (error: unknown) => {
          result = { error };
        },
      );
      await waitFor(what, () => result !== undefined, timeoutMs);
      return result!;
    }

    async function answerOf(promise: Promise<boolean>, what = 'the request to settle'): Promise<boolean> {
      const settled = await outcome(promise, what);
      if ('error' in settled) throw settled.error;
      return settled.value!;
    }

    async function rejectionOf(promise: Promise<unknown>, what = 'the request to fail'): Promise<unknown> {
      const settled = await outcome(promise, what);
      if (!('error' in settled)) throw new Error(`expected ${what}, but it resolved with ${String(settled.value)}`);
      return settled.error;
    }

    async function grantedBefore(): Promise<void> {
      await h.user.setDecisionOutsideApp('granted');
    }

    async function promptCount(): Promise<number> {
      return (await h.user.prompts()).length;
    }

    /** Wait for the session to know its remembered decision. */
    async function known(session: AudioSession) {
      const watch = watchPermission(session);
      await waitFor('recordPermission$ to emit the remembered decision', () => watch.values.length > 0);
      watch.stop();
      return watch.values[0];
    }

    const slackMs = () => h.timing?.slackMs ?? 0;
    const bufferMs = () => (h.format.framesPerBuffer / h.format.sampleRate) * 1000;

    // ---- R1 -------------------------------------------------------------------------------

    test('R1 status() and recordPermission never prompt', async () => {
      const session = open();
      expect(session.recordPermission).toBe('undetermined');
      expect(await outcome(h.adapter.status(), 'status()')).toEqual({ value: 'undetermined' });
      await h.clock.advance(100);
      for (let i = 0; i < 3; i++) expect((await outcome(h.adapter.status(), 'status()')).value).toBe('undetermined');
      expect(await known(session)).toBe('undetermined');
      expect(session.recordPermission).toBe('undetermined');
      expect(await promptCount()).toBe(0);

      await h.user.answerNextPrompt('deny');
      expect(await answerOf(session.requestRecordPermission())).toBe(false);
      expect((await outcome(h.adapter.status(), 'status()')).value).toBe('denied');
      expect(session.recordPermission).toBe('denied');
      expect(await promptCount()).toBe(1);
    });

    // ---- R2 -------------------------------------------------------------------------------

    test('R2 requestRecordPermission returns at once and responds exactly once, never synchronously', async () => {
      const session = open();
      await h.user.answerNextPrompt('grant', { delayMs: 50 });
      const calls: boolean[] = [];
      const returned = session.requestRecordPermission((granted) => calls.push(granted));
      expect(returned).toBeUndefined();
      expect(calls).toEqual([]);
      await waitFor('the response', () => calls.length > 0);
      await h.clock.advance(100);
      expect(calls).toEqual([true]);

      // Already decided: still never inside the call.
      const again: boolean[] = [];
      session.requestRecordPermission((granted) => again.push(granted));
      expect(again).toEqual([]);
      const promise = session.requestRecordPermission();
      expect(promise).toBeInstanceOf(Promise);
      await waitFor('the second response', () => again.length > 0);
      expect(await answerOf(promise)).toBe(true);
      await h.clock.advance(50);
      expect(again).toEqual([true]);
    });

    // ---- R3 -------------------------------------------------------------------------------

    test('R3 an answer already given is returned without a prompt', async () => {
      const session = open();
      await h.user.answerNextPrompt('grant');
      expect(await answerOf(session.requestRecordPermission())).toBe(true);
      for (let i = 0; i < 3; i++) expect(await answerOf(session.requestRecordPermission())).toBe(true);
      expect(await promptCount()).toBe(1);
    });

    test('R3 a decision made before the app started is returned without a prompt', async () => {
      await h.user.setDecisionOutsideApp('denied');
      const session = open();
      expect(await answerOf(session.requestRecordPermission())).toBe(false);
      expect(session.recordPermission).toBe('denied');
      expect(await promptCount()).toBe(0);
    });

    // ---- R4 -------------------------------------------------------------------------------

    test('R4 concurrent requests share one prompt and one answer', async () => {
      const session = open();
      await h.user.answerNextPrompt('grant', { delayMs: 300 });
      const callbacks: boolean[] = [];
      const first = session.requestRecordPermission();
      session.requestRecordPermission((granted) => callbacks.push(granted));
      await h.clock.advance(50);
      const second = session.requestRecordPermission();
      expect(await answerOf(first)).toBe(true);
      expect(await answerOf(second)).toBe(true);
      await waitFor('the callback', () => callbacks.length > 0);
      expect(callbacks).toEqual([true]);
      const prompts = await h.user.prompts();
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toContain(CONFORMANCE_PURPOSE);
    });

    test('R4 the answer comes from the prompt: a denial answers false to everyone waiting', async () => {
      const session = open();
      await h.user.answerNextPrompt('deny', { delayMs: 200 });
      const answers = await Promise.all([
        answerOf(session.requestRecordPermission()),
        answerOf(session.requestRecordPermission()),
      ]);
      expect(answers).toEqual([false, false]);
      expect(session.recordPermission).toBe('denied');
      expect(await promptCount()).toBe(1);
    });

    test('R4 the adapter’s prompt resolves with the user’s answer itself', async () => {
      await h.user.answerNextPrompt('grant', { delayMs: 100 });
      const answer = await outcome(h.adapter.prompt({ usageDescription: CONFORMANCE_PURPOSE }), 'the prompt');
      expect(answer).toEqual({ value: 'granted' });
      expect((await outcome(h.adapter.status(), 'status()')).value).toBe('granted');
    });

    test('R4 a dismissed prompt answers false and leaves the decision open', async (ctx) => {
      requires(ctx, h.can.dismiss, 'let the user dismiss a prompt without deciding', h.reasons?.dismiss);
      const session = open();
      await h.user.answerNextPrompt('dismiss', { delayMs: 100 });
      expect(await answerOf(session.requestRecordPermission())).toBe(false);
      expect(session.recordPermission).toBe('undetermined');
      await h.user.answerNextPrompt('grant', { delayMs: 100 });
      expect(await answerOf(session.requestRecordPermission())).toBe(true);
      expect(await promptCount()).toBe(2);
    });

    // ---- R5 -------------------------------------------------------------------------------

    test('R5 a grant is remembered by a new session after a relaunch', async () => {
      const first = open();
      await h.user.answerNextPrompt('grant');
      expect(await answerOf(first.requestRecordPermission())).toBe(true);
      first.close();
      const second = open({}, await h.relaunch());
      expect(await known(second)).toBe('granted');
      expect(await answerOf(second.requestRecordPermission())).toBe(true);
      expect(await promptCount()).toBe(1);
    });

    test('R5 a denial is remembered by a new session after a relaunch', async () => {
      const first = open();
      await h.user.answerNextPrompt('deny');
      expect(await answerOf(first.requestRecordPermission())).toBe(false);
      first.close();
      const second = open({}, await h.relaunch());
      expect(await known(second)).toBe('denied');
      expect(await answerOf(second.requestRecordPermission())).toBe(false);
      expect(await promptCount()).toBe(1);
    });

    // ---- R6 -------------------------------------------------------------------------------

    test('R6 denied is final for the app; only a change outside it re-enables recording', async (ctx) => {
      requiresChanges(ctx);
      const session = open();
      await h.user.answerNextPrompt('deny');
      expect(await answerOf(session.requestRecordPermission())).toBe(false);
      const watch = watchPermission(session);
      for (let i = 0; i < 3; i++) expect(await answerOf(session.requestRecordPermission())).toBe(false);
      expect(await promptCount()).toBe(1);

      await h.user.setDecisionOutsideApp('granted');
      await waitFor('recordPermission$ to emit granted', () => watch.values.includes('granted'));
      expect(watch.values).toEqual(['denied', 'granted']);
      expect(session.recordPermission).toBe('granted');
      expect(await answerOf(session.requestRecordPermission())).toBe(true);

      await h.user.setDecisionOutsideApp('undetermined');
      await waitFor('recordPermission$ to emit undetermined', () => watch.values.at(-1) === 'undetermined');
      await h.user.answerNextPrompt('grant');
      expect(await answerOf(session.requestRecordPermission())).toBe(true);
      expect(await promptCount()).toBe(2);
      watch.stop();
    });

    // ---- R7 -------------------------------------------------------------------------------

    test('R7 record() paces frames in real time: zeros until the grant, then the device, positions unbroken', async () => {
      const session = open();
      await h.user.answerNextPrompt('grant', { delayMs: 400 });
      const started = h.clock.now();
      const recording = record(session);
      await waitFor('device audio after the grant', () => recording.device().length >= 10, 5_000);
      const elapsedMs = h.clock.now() - started;

      const { got } = recording;
      const firstDevice = got.findIndex((frame) => !frame.gated);
      expect(firstDevice).toBeGreaterThan(0);
      expect(got.slice(0, firstDevice).every((frame) => frame.gated && frame.allZero)).toBe(true);
      expect(got.slice(firstDevice).every((frame) => !frame.gated)).toBe(true);
      expect(rmsOf(concat(recording.device().map((frame) => frame.samples!)))).toBeGreaterThan(0.01);
      expect(gapsIn(got)).toEqual([]);
      expect(got[0]!.position).toBe(0);

      // Real-time pace: the audio delivered matches the time that passed, within a few buffers.
      const deliveredMs = ((got.at(-1)!.position + got.at(-1)!.frames) / h.format.sampleRate) * 1000;
      const tolerance = 3 * bufferMs() + slackMs();
      expect(deliveredMs).toBeGreaterThan(elapsedMs - tolerance);
      expect(deliveredMs).toBeLessThan(elapsedMs + tolerance);
      // The first (silent) buffer came about one buffer after subscribing, not after the prompt.
      expect(got[0]!.at - started).toBeLessThanOrEqual(bufferMs() + STEP_MS + slackMs());
    });

    // ---- R8 -------------------------------------------------------------------------------

    test('R8 the first recording attempt asks once; silence flows while the prompt is open', async () => {
      const session = open();
      await h.user.answerNextPrompt('grant', { delayMs: 600 });
      const a = record(session);
      const b = record(session);
      const request = session.requestRecordPermission();
      await h.clock.advance(300);
      expect(await promptCount()).toBe(1);
      expect(a.got.length).toBeGreaterThan(0);
      expect(a.got.every((frame) => frame.gated && frame.allZero)).toBe(true);
      expect(await answerOf(request)).toBe(true);
      await waitFor('device audio', () => a.device().length > 0 && b.device().length > 0);
      expect(await promptCount()).toBe(1);
    });

    test('R8 after a denial at the first recording, silence goes on', async () => {
      const session = open();
      await h.user.answerNextPrompt('deny', { delayMs: 200 });
      const recording = record(session);
      await waitFor('the denial', () => session.recordPermission === 'denied');
      const mark = recording.got.length;
      await waitFor('more silence', () => recording.got.length >= mark + 5);
      expect(recording.got.every((frame) => frame.gated && frame.allZero)).toBe(true);
      expect(await h.device.isOpen()).toBe(false);
      expect(recording.error).toBeUndefined();
    });

    // ---- R9 -------------------------------------------------------------------------------

    test('R9 revoked while recording: zeros within one buffer and the device closed; a new grant resumes it', async (ctx) => {
      requiresChanges(ctx);
      await grantedBefore();
      const session = open();
      const recording = record(session);
      await waitFor('device audio', () => recording.device().length >= 5);
      expect(await h.device.isOpen()).toBe(true);

      const watch = watchPermission(session);
      await h.user.setDecisionOutsideApp('denied');
      await waitFor('the revocation to reach the session', () => watch.values.includes('denied'));
      const revokedAt = recording.got.length;
      const revokedTime = h.clock.now();
      await waitFor('silence after the revocation', () => recording.got.length >= revokedAt + 3);
      expect(recording.got.slice(revokedAt).every((frame) => frame.gated && frame.allZero)).toBe(true);
      await waitFor('the device to close', async () => !(await h.device.isOpen()), bufferMs());
      expect(h.clock.now() - revokedTime).toBeLessThanOrEqual(bufferMs() * 3 + STEP_MS + slackMs());

      await h.user.setDecisionOutsideApp('granted');
      const regrantedAt = recording.got.length;
      await waitFor('device audio again, on the same subscription', () =>
        recording.got.slice(regrantedAt).some((frame) => !frame.gated),
      );
      expect(recording.error).toBeUndefined();
      expect(gapsIn(recording.got)).toEqual([]);
      watch.stop();
    });

    // ---- R10 ------------------------------------------------------------------------------

    for (const [label, usageDescription] of [
      ['missing', undefined],
      ['empty', ''],
      ['blank', '  \n\t'],
    ] as const) {
      test(`R10 a ${label} usageDescription fails the first request and recording, and shows no prompt`, async () => {
        await h.user.answerNextPrompt('grant');
        const session = open({ usageDescription: usageDescription as unknown as string });
        const rejected = await rejectionOf(session.requestRecordPermission(), 'the request to be refused');
        expect(rejected).toMatchObject({ name: 'MissingUsageDescriptionError' });
        expect(() => session.requestRecordPermission(() => {})).toThrow(expect.objectContaining({ name: 'MissingUsageDescriptionError' }));
        const recording = record(session);
        expect(recording.error).toMatchObject({ name: 'MissingUsageDescriptionError' });
        await h.clock.advance(100);
        expect(await promptCount()).toBe(0);
        expect(await h.device.isOpen()).toBe(false);
      });
    }

    test('R10 the prompt shows the usageDescription', async () => {
      const session = open();
      await h.user.answerNextPrompt('grant');
      expect(await answerOf(session.requestRecordPermission())).toBe(true);
      const prompts = await h.user.prompts();
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toContain(CONFORMANCE_PURPOSE);
    });

    // ---- R11 ------------------------------------------------------------------------------

    test('R11 one device stream is shared by every subscriber and closed after the last one leaves', async () => {
      await grantedBefore();
      const session = open();
      const a = record(session);
      const b = record(session);
      await waitFor('device audio for both', () => a.device().length >= 3 && b.device().length >= 3);
      const shared = a.device().filter((frame) => b.device().some((other) => other.frame === frame.frame));
      expect(shared.length).toBeGreaterThanOrEqual(3);
      a.stop();
      const mark = b.got.length;
      await waitFor('the remaining subscriber to go on', () => b.got.length >= mark + 3);
      expect(await h.device.isOpen()).toBe(true);
      b.stop();
      await waitFor('the device to close after the last subscriber', async () => !(await h.device.isOpen()), bufferMs() * 2);
    });

    test('R11 close() ends recordings, pending requests and the permission stream', async () => {
      await grantedBefore();
      const session = open();
      const keptByTheApp = session.record(h.format);
      const recording = record(session);
      const watch = watchPermission(session);
      await waitFor('device audio', () => recording.device().length >= 2);
      session.close();
      expect(recording.completed).toBe(true);
      expect(watch.completed()).toBe(true);
      await waitFor('the device to close', async () => !(await h.device.isOpen()), bufferMs() * 2);
      const count = recording.got.length;
      await h.clock.advance(bufferMs() * 3);
      expect(recording.got.length).toBe(count);
      expect(() => session.record()).toThrow(expect.objectContaining({ name: 'SessionClosedError' }));
      expect(await rejectionOf(session.requestRecordPermission())).toMatchObject({ name: 'SessionClosedError' });
      // A stream the app kept from before close() starts nothing when subscribed after it.
      let lateError: unknown;
      const late = keptByTheApp.subscribe({ error: (error: unknown) => (lateError = error) });
      await h.clock.advance(bufferMs() * 3);
      expect(lateError).toMatchObject({ name: 'SessionClosedError' });
      expect(late.closed).toBe(true);
      expect(await h.device.isOpen()).toBe(false);
      expect(await promptCount()).toBe(0);
    });

    test('R11 close() settles a request whose prompt is still open', async () => {
      const session = open();
      await h.user.answerNextPrompt('grant', { delayMs: 500 });
      const pending = session.requestRecordPermission();
      const callbacks: [boolean, unknown][] = [];
      session.requestRecordPermission((granted, error) => callbacks.push([granted, error]));
      await h.clock.advance(100);
      session.close();
      expect(await rejectionOf(pending)).toMatchObject({ name: 'SessionClosedError' });
      await waitFor('the callback', () => callbacks.length > 0);
      expect(callbacks[0]).toEqual([false, expect.objectContaining({ name: 'SessionClosedError' })]);
      // The user still answers; the platform remembers it.
      await waitFor('the prompt to be answered', async () => (await h.adapter.status()) === 'granted', 2_000);
    });

    // ---- R12 ------------------------------------------------------------------------------

    test('R12 a bad format is refused before any device is opened, naming the field', async () => {
      await grantedBefore();
      const session = open();
      for (const [format, field] of BAD_FORMATS) {
        expect(() => session.record(format as Partial<AudioFormat>), JSON.stringify(format)).toThrow(
          expect.objectContaining({ name: 'InvalidArgumentError', field }),
        );
      }
      await h.clock.advance(50);
      expect(await h.device.isOpen()).toBe(false);
    });

    test('R12 a usageDescription that is not a string is refused, naming the field', async () => {
      expect(() => open({ usageDescription: 42 as unknown as string })).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', field: 'usageDescription' }),
      );
      expect(await promptCount()).toBe(0);
    });

    const openFaults: [DeviceFault, string][] = [
      ['notFound', 'DeviceNotFoundError'],
      ['busy', 'DeviceBusyError'],
    ];
    for (const [fault, errorName] of openFaults) {
      test(`R12 a device that is ${fault === 'notFound' ? 'missing' : 'busy'} fails the recording with ${errorName}, and the session lives on`, async (ctx) => {
        requiresFault(ctx, fault);
        await grantedBefore();
        await h.device.injectFault!(fault);
        const session = open();
        const recording = record(session);
        await waitFor(errorName, () => recording.error !== undefined);
        expect(recording.error).toMatchObject({ name: errorName });
        expect(recording.got.every((frame) => frame.gated && frame.allZero)).toBe(true);
        expect(await answerOf(session.requestRecordPermission())).toBe(true);
      });
    }

    test('R12 a device lost mid-capture fails the recording with DeviceLostError after every frame it gave', async (ctx) => {
      requiresFault(ctx, 'lost');
      await grantedBefore();
      const session = open();
      const recording = record(session);
      await waitFor('device audio', () => recording.device().length >= 3);
      await h.device.injectFault!('lost');
      await waitFor('DeviceLostError', () => recording.error !== undefined);
      expect(recording.error).toMatchObject({ name: 'DeviceLostError' });
      expect(gapsIn(recording.got)).toEqual([]);
      expect(await answerOf(session.requestRecordPermission())).toBe(true);
    });

    // ---- R13 ------------------------------------------------------------------------------

    test('R13 a response callback that throws does not break the session for other callers', async () => {
      const thrown: unknown[] = [];
      const session = open({ onError: (error) => thrown.push(error) });
      await h.user.answerNextPrompt('grant', { delayMs: 100 });
      session.requestRecordPermission(() => {
        throw new Error('app bug');
      });
      const others: boolean[] = [];
      session.requestRecordPermission((granted) => others.push(granted));
      const promise = session.requestRecordPermission();
      expect(await answerOf(promise)).toBe(true);
      await waitFor('the other callback', () => others.length > 0);
      expect(others).toEqual([true]);
      expect(thrown).toEqual([expect.objectContaining({ message: 'app bug' })]);
      expect(await answerOf(session.requestRecordPermission())).toBe(true);
    });

    test('R13 an observer that throws does not stop the stream for other subscribers, nor crash the app', async () => {
      await grantedBefore();
      // A safety net only: what reaches RxJS's unhandled-error path would end a Node process.
      const unhandled: unknown[] = [];
      const previous = rxjsConfig.onUnhandledError;
      rxjsConfig.onUnhandledError = (error) => unhandled.push(error);
      try {
        const reported: unknown[] = [];
        const session = open({ onError: (error) => reported.push(error) });
        const faulty = session.record(h.format).subscribe(() => {
          throw new Error('observer bug');
        });
        const healthy = record(session);
        await waitFor('device audio for the healthy subscriber', () => healthy.device().length >= 5);
        expect(reported.length).toBeGreaterThan(0);
        expect(reported[0]).toMatchObject({ message: 'observer bug' });
        expect(healthy.error).toBeUndefined();
        expect(gapsIn(healthy.got)).toEqual([]);
        faulty.unsubscribe();
        await new Promise((resolve) => setTimeout(resolve, 20)); // RxJS would report from a timer
        expect(unhandled).toEqual([]);
      } finally {
        rxjsConfig.onUnhandledError = previous;
      }
    });

    // ---- R14 ------------------------------------------------------------------------------

    test('R14 an abandoned request rejects with AbortError; the prompt still records the answer', async () => {
      const session = open();
      await h.user.answerNextPrompt('grant', { delayMs: 600 });
      const controller = new AbortController();
      const request = session.requestRecordPermission({ signal: controller.signal });
      await h.clock.advance(100);
      controller.abort();
      const abortedAt = h.clock.now();
      expect(await rejectionOf(request, 'the abandoned request to reject')).toMatchObject({ name: 'AbortError' });
      expect(h.clock.now() - abortedAt).toBeLessThan(200 + slackMs());
      await waitFor('the prompt to be answered', () => session.recordPermission === 'granted', 3_000);
      expect(await answerOf(session.requestRecordPermission())).toBe(true);
      expect(await promptCount()).toBe(1);
    });

    test('R14 an already aborted signal rejects at once and shows no prompt', async () => {
      const session = open();
      const request = session.requestRecordPermission({ signal: AbortSignal.abort() });
      expect(await rejectionOf(request)).toMatchObject({ name: 'AbortError' });
      await h.clock.advance(100);
      expect(await promptCount()).toBe(0);
    });

    // ---- capture ---------------------------------------------------------------------------

    test('capture: a known sine arrives at its frequency and level after the grant', async () => {
      const played = await h.device.playSine(1_000);
      await grantedBefore();
      const session = open();
      const recording = record(session);
      const settleFrames = Math.ceil((0.25 * h.format.sampleRate) / h.format.framesPerBuffer);
      const measureFrames = Math.ceil((1 * h.format.sampleRate) / h.format.framesPerBuffer);
      await waitFor('a second of device audio', () => recording.device().length >= settleFrames + measureFrames, 8_000);
      const audio = concat(recording.device().slice(settleFrames).map((frame) => frame.samples!));
      // Median over 100 ms windows: a device's one-off start-up glitch must not decide the result.
      const { frequency, rms } = measureTone(channelOf(audio, h.format.channels), h.format.sampleRate);
      expect(Math.abs(frequency - played.frequency) / played.frequency, `measured ${frequency} Hz`).toBeLessThan(0.01);
      expect(Math.abs(rms - played.rms) / played.rms, `measured RMS ${rms}`).toBeLessThan(0.1);
    });

    test('capture: every gated sample is exactly zero', async () => {
      await h.device.playSine(1_000);
      await h.user.setDecisionOutsideApp('denied');
      const session = open();
      const recording = record(session);
      const wanted = Math.ceil((0.5 * h.format.sampleRate) / h.format.framesPerBuffer);
      await waitFor('half a second of silence', () => recording.got.length >= wanted);
      expect(recording.got.every((frame) => frame.gated)).toBe(true);
      expect(recording.got.filter((frame) => !frame.allZero)).toEqual([]);
      expect(await h.device.isOpen()).toBe(false);
    });

    for (const framesPerBuffer of [256, 1024]) {
      test(`capture: ${framesPerBuffer}-frame buffers arrive as asked, positions continuous`, async () => {
        await grantedBefore();
        const session = open();
        const format = { ...h.format, framesPerBuffer };
        const recording = record(session, format);
        await waitFor('device audio', () => recording.device().length >= 8);
        for (const frame of recording.got) {
          expect(frame).toMatchObject({ frames: framesPerBuffer, sampleRate: format.sampleRate, channels: format.channels });
          expect(frame.length).toBe(framesPerBuffer * format.channels);
        }
        expect(gapsIn(recording.got)).toEqual([]);
        const times = recording.device().map((frame) => frame.frame.time);
        expect(times.every((time, i) => i === 0 || time > times[i - 1]!)).toBe(true);
      });
    }
  });
}
