import {
  type AudioFormat,
  type AudioInputDevice,
  type AudioSession,
  type AudioSessionOptions,
  createAudioSession,
  type RecordOptions,
  type RecordPermission,
  type RecordPermissionAdapter,
} from '@micgate/core';
import { firstValueFrom } from 'rxjs';
import type { TestContext } from 'vitest';
import type { ConformanceHarness, DeviceFault, RigAbility } from './harness.js';
import { type Recording, startRecording, watchPermission } from './recorder.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Why the conformance suite did not run this test (also in reporters' JSON). */
    micgateNotRun?: string;
  }
}

export const CONFORMANCE_PURPOSE = 'micgate conformance: records a test tone to check capture.';

/** Step the harness clock moves while the suite waits for something. */
export const STEP_MS = 10;

const RIG_CANNOT: Record<RigAbility, string> = {
  dismiss: 'let the user dismiss a prompt without deciding',
  notFound: "inject a 'notFound' device fault",
  busy: "inject a 'busy' device fault",
  lost: "inject a 'lost' device fault",
  observeDeviceOpen: 'count the opens of the device',
  playSilence: 'make the input deliver exact digital zeros',
  unplug: 'unplug and replug the default input',
  addDevice: 'add and remove a second input while the adapter runs',
};

/**
 * What every feature's tests share: the harness of the running test, sessions and recordings the
 * suite closes after it, and waiting on the harness clock (real or virtual).
 */
export class SuiteContext {
  /** Tests not run, with why: printed once after the suite. */
  readonly notRun: string[] = [];
  private harness: ConformanceHarness | undefined;
  private sessions: AudioSession[] = [];
  private recordings: Recording[] = [];
  private adapters = new Set<RecordPermissionAdapter>();

  constructor(readonly name: string) {}

  get h(): ConformanceHarness {
    if (!this.harness) throw new Error('micgate conformance: no harness outside a test');
    return this.harness;
  }

  async begin(harness: ConformanceHarness): Promise<void> {
    this.harness = harness;
    this.sessions = [];
    this.recordings = [];
    this.adapters = new Set([harness.adapter]);
  }

  /** Sessions first, then the adapters (the app owns them), then the rig: nothing may outlive both closes. */
  async end(): Promise<void> {
    for (const recording of this.recordings) recording.stop();
    for (const session of this.sessions) session.close();
    this.adapters.add(this.h.adapter);
    for (const adapter of this.adapters) adapter.close?.();
    await this.h.dispose();
    this.harness = undefined;
  }

  open(overrides: Partial<AudioSessionOptions> = {}, adapter: RecordPermissionAdapter = this.h.adapter): AudioSession {
    const session = createAudioSession({
      adapter,
      usageDescription: CONFORMANCE_PURPOSE,
      ...(this.h.scheduler ? { scheduler: this.h.scheduler } : {}),
      ...overrides,
    });
    this.sessions.push(session);
    return session;
  }

  record(
    session: AudioSession,
    format: RecordOptions = this.h.format,
    onFrame?: Parameters<typeof startRecording>[3],
  ): Recording {
    const recording = startRecording(session, () => this.h.clock.now(), format, onFrame);
    this.recordings.push(recording);
    return recording;
  }

  async relaunch(): Promise<RecordPermissionAdapter> {
    const adapter = await this.h.relaunch();
    this.adapters.add(adapter);
    return adapter;
  }

  /** Skip the test, saying why, unless `supported`. */
  requires(ctx: TestContext, supported: boolean, why: string): void {
    if (supported) return;
    this.notRun.push(`${ctx.task.name} — ${why}`);
    ctx.task.meta.micgateNotRun = why;
    ctx.skip(why);
  }

  /** The rig must be able to stage `ability`. */
  requiresRig(ctx: TestContext, ability: RigAbility): void {
    const h = this.h;
    const can =
      ability === 'dismiss'
        ? h.can.dismiss
        : ability === 'observeDeviceOpen'
          ? h.can.observeDeviceOpen && h.device.opens !== undefined
          : ability === 'playSilence'
            ? h.device.playSilence !== undefined && h.device.playQuiet !== undefined
            : ability === 'unplug'
              ? h.device.unplug !== undefined && h.device.replug !== undefined
              : ability === 'addDevice'
                ? h.device.addDevice !== undefined && h.device.removeDevice !== undefined
                : h.can.faults[ability as DeviceFault] && h.device.injectFault !== undefined;
    const reason = h.reasons?.[ability];
    this.requires(ctx, can, `the ${this.name} rig cannot ${RIG_CANNOT[ability]}${reason ? `: ${reason}` : ''}`);
  }

  /** The adapter must declare that it reports decisions made outside the app. */
  requiresChanges(ctx: TestContext): void {
    this.requires(
      ctx,
      this.h.adapter.supports.changes,
      `the ${this.name} adapter declares supports.changes false: it does not report decisions made outside the app`,
    );
  }

  /** The adapter must list its inputs (devices() or deviceChanges()). */
  requiresDeviceList(ctx: TestContext): void {
    const { supports } = this.h.adapter;
    this.requires(
      ctx,
      supports.devices || supports.deviceChanges,
      `the ${this.name} adapter declares neither supports.devices nor supports.deviceChanges: it cannot list its inputs`,
    );
  }

  /** The adapter must report changes of its inputs. */
  requiresDeviceChanges(ctx: TestContext): void {
    this.requires(
      ctx,
      this.h.adapter.supports.deviceChanges,
      `the ${this.name} adapter declares supports.deviceChanges false: it does not report inputs coming and going`,
    );
  }

  /** The first list `session.devices$` gives, letting (virtual) time run meanwhile. */
  async firstDevices(session: AudioSession): Promise<readonly AudioInputDevice[]> {
    return (await this.outcome(firstValueFrom(session.devices$), 'the first list of devices$')).value ?? [];
  }

  slackMs(): number {
    return this.h.timing?.slackMs ?? 0;
  }

  /** Milliseconds one buffer of `format` lasts. */
  bufferMs(format: AudioFormat = this.h.format): number {
    return (format.framesPerBuffer / format.sampleRate) * 1000;
  }

  async waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
    const start = this.h.clock.now();
    const limit = timeoutMs + this.slackMs();
    while (!(await condition())) {
      if (this.h.clock.now() - start > limit) throw new Error(`timed out after ${limit} ms waiting for ${what}`);
      await this.h.clock.advance(STEP_MS);
    }
  }

  /** A promise's outcome, letting (virtual) time run while it settles. */
  async outcome<T>(promise: Promise<T>, what: string, timeoutMs?: number): Promise<{ value?: T; error?: unknown }> {
    let result: { value?: T; error?: unknown } | undefined;
    promise.then(
      (value) => {
        result = { value };
      },
      (error: unknown) => {
        result = { error };
      },
    );
    await this.waitFor(what, () => result !== undefined, timeoutMs);
    return result!;
  }

  async answerOf(promise: Promise<boolean>, what = 'the request to settle'): Promise<boolean> {
    const settled = await this.outcome(promise, what);
    if ('error' in settled) throw settled.error;
    return settled.value!;
  }

  async rejectionOf(promise: Promise<unknown>, what = 'the request to fail'): Promise<unknown> {
    const settled = await this.outcome(promise, what);
    if (!('error' in settled)) throw new Error(`expected ${what}, but it resolved with ${String(settled.value)}`);
    return settled.error;
  }

  async status(adapter: RecordPermissionAdapter = this.h.adapter): Promise<RecordPermission | undefined> {
    return (await this.outcome(adapter.status(), 'status()')).value;
  }

  async grantedBefore(): Promise<void> {
    await this.h.user.setDecisionOutsideApp('granted');
  }

  async promptCount(): Promise<number> {
    return (await this.h.user.prompts()).length;
  }

  /** Wait for the session to know its remembered decision. */
  async known(session: AudioSession): Promise<RecordPermission | undefined> {
    const watch = watchPermission(session);
    await this.waitFor('recordPermission$ to emit the remembered decision', () => watch.values.length > 0);
    watch.stop();
    return watch.values[0];
  }
}
