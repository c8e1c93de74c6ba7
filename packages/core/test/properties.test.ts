import fc from 'fast-check';
import type { Observable } from 'rxjs';
import { describe, expect, test } from 'vitest';
// The mock depends on core, so core cannot list it as a devDependency (turbo refuses the cycle):
// its source is imported directly. Both resolve to the same core module.
import { createMockPlatform, type MockAnswer, VirtualClock } from '../../mock/src/index.js';
import {
  type AudioFormat,
  type AudioFrame,
  type AudioSession,
  bufferDuration,
  createAudioSession,
  DEFAULT_FORMAT,
  ErrorCode,
  FORMAT_LIMITS,
  InvalidArgumentError,
  type RequestOptions,
} from '../src/index.js';

/**
 * Property tests of the public API: any value for a field either works as documented or is refused
 * with an InvalidArgumentError naming the field, and nothing ever opens the device (the decision is
 * never a grant) or hangs (everything settles within a bounded stretch of virtual time).
 */

const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** Values a format field might be given: numbers near and beyond the limits, then anything at all. */
const fieldValue = fc.oneof(
  fc.constantFrom(...Object.values(FORMAT_LIMITS).flatMap(({ min, max }) => [min, max, min - 1, max + 1, min + 0.5])),
  fc.constantFrom(
    0,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    2 ** 53,
    44_100,
    22_050.5,
    2,
    undefined,
  ),
  fc.integer({ min: -1, max: 400_000 }),
  fc.double(),
  anything,
);

const FIELDS = ['sampleRate', 'channels', 'framesPerBuffer'] as const;

/** What the documentation promises for one field's value (undefined means the default). */
function isValidField(field: (typeof FIELDS)[number], value: unknown): boolean {
  if (value === undefined) return true;
  const { min, max } = FORMAT_LIMITS[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) return false;
  return field === 'sampleRate' || Number.isInteger(value);
}

/** The first field the documentation refuses, or undefined when the format is valid. */
function refusedFormatField(format: unknown): string | undefined {
  if (format === undefined) return undefined;
  if (format === null || typeof format !== 'object' || Array.isArray(format)) return 'format';
  return FIELDS.find((field) => !isValidField(field, (format as Record<string, unknown>)[field]));
}

function expectRefused(error: unknown, field: string): void {
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as InvalidArgumentError).code).toBe(ErrorCode.InvalidArgument);
  expect((error as InvalidArgumentError).field).toBe(field);
}

/** A user who never grants: a remembered denial, or a prompt answered 'deny' or dismissed after a while. */
const neverGrants = fc.record({
  decision: fc.constantFrom('denied' as const, 'undetermined' as const),
  answer: fc.constantFrom<MockAnswer>('deny', 'dismiss'),
  delayMs: fc.integer({ min: 0, max: 20 }),
});
const BOUND_MS = 100; // every request settles within this much virtual time

function platform(user: { decision: 'denied' | 'undetermined'; answer: MockAnswer; delayMs: number }) {
  const clock = new VirtualClock();
  const mock = createMockPlatform({ scheduler: clock });
  if (user.decision === 'denied') mock.user.changeSetting('denied');
  mock.user.answerNextPrompt(user.answer, { delayMs: user.delayMs });
  const reported: unknown[] = [];
  return { clock, mock, reported, onError: (error: unknown) => reported.push(error) };
}

/** Settles with the outcome, or 'pending' once BOUND_MS of virtual time have passed. */
async function within<T>(clock: VirtualClock, promise: Promise<T>) {
  let outcome: { value: T } | { error: unknown } | 'pending' = 'pending';
  promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  await clock.advance(BOUND_MS);
  return outcome;
}

/** A working recording delivers paced, zeroed, gated buffers of the asked format, and never opens the device. */
async function expectSilence(clock: VirtualClock, stream: Observable<AudioFrame>, format: AudioFormat) {
  const frames: AudioFrame[] = [];
  const errors: unknown[] = [];
  // Samples are valid while a frame is delivered: copy to keep.
  const subscription = stream.subscribe({
    next: (frame) => frames.push({ ...frame, samples: frame.samples.slice() }),
    error: (error) => errors.push(error),
  });
  await clock.advance(bufferDuration(format) * 1000 * 3 + 0.5);
  subscription.unsubscribe();
  expect(errors).toEqual([]);
  expect(frames.length).toBeGreaterThanOrEqual(3);
  for (const frame of frames) {
    expect(frame).toMatchObject({
      gated: true,
      frames: format.framesPerBuffer,
      sampleRate: format.sampleRate,
      channels: format.channels,
    });
    expect(frame.samples.length).toBe(format.framesPerBuffer * format.channels);
    expect(frame.samples.every((sample) => sample === 0)).toBe(true);
  }
}

async function closeAndCheck(session: AudioSession, env: ReturnType<typeof platform>) {
  session.close();
  env.mock.adapter.close!();
  await env.clock.advance(0);
  expect(env.mock.device.opens).toBe(0);
  expect(env.clock.pending).toBe(0); // nothing left running
}

const RUNS = { numRuns: 60 };

describe('record(format)', () => {
  test.each(FIELDS)('any %s works as documented or is refused, naming the field', async (field) => {
    await fc.assert(
      fc.asyncProperty(fieldValue, neverGrants, async (value, user) => {
        const env = platform(user);
        const session = createAudioSession({
          adapter: env.mock.adapter,
          usageDescription: 'property test',
          scheduler: env.clock,
          onError: env.onError,
        });
        const requested = { [field]: value };
        let stream: Observable<AudioFrame> | undefined;
        try {
          stream = session.record(requested);
        } catch (error) {
          expect(isValidField(field, value)).toBe(false);
          expectRefused(error, field);
        }
        if (stream) {
          expect(isValidField(field, value)).toBe(true);
          await expectSilence(env.clock, stream, { ...DEFAULT_FORMAT, [field]: value ?? DEFAULT_FORMAT[field] });
        }
        expect(env.reported).toEqual([]);
        await closeAndCheck(session, env);
      }),
      RUNS,
    );
  });

  test('any format at all works as documented or is refused, naming the first bad field', async () => {
    const fields = fc.record(
      { sampleRate: fieldValue, channels: fieldValue, framesPerBuffer: fieldValue },
      { requiredKeys: [] },
    );
    // The same fields inherited from a prototype, or behind getters: a user reads them as plain properties.
    const inherited = fields.map((own) => Object.create(own) as object);
    const getters = fields.map((own) =>
      Object.defineProperties(
        {},
        Object.fromEntries(Object.entries(own).map(([key, value]) => [key, { get: () => value, enumerable: true }])),
      ),
    );
    const format = fc.oneof(anything, fields, inherited, getters);
    await fc.assert(
      fc.asyncProperty(format, neverGrants, async (requested, user) => {
        const env = platform(user);
        const session = createAudioSession({
          adapter: env.mock.adapter,
          usageDescription: 'property test',
          scheduler: env.clock,
          onError: env.onError,
        });
        const refused = refusedFormatField(requested);
        let stream: Observable<AudioFrame> | undefined;
        try {
          stream = session.record(requested as Partial<AudioFormat>);
        } catch (error) {
          expect(refused).toBeDefined();
          expectRefused(error, refused!);
        }
        if (stream) {
          expect(refused).toBeUndefined();
          const read = (name: (typeof FIELDS)[number]) =>
            ((requested ?? {}) as Partial<AudioFormat>)[name] ?? DEFAULT_FORMAT[name];
          await expectSilence(env.clock, stream, {
            sampleRate: read('sampleRate'),
            channels: read('channels'),
            framesPerBuffer: read('framesPerBuffer'),
          });
        }
        await closeAndCheck(session, env);
      }),
      RUNS,
    );
  });
});

describe('createAudioSession(options)', () => {
  const strings = fc.oneof(fc.string(), fc.constantFrom('', ' ', '\u200b', '\u00a0x', '\ufeff'));
  const functions = fc.func(anything);
  const cases = {
    adapter: { value: anything, works: () => false },
    usageDescription: {
      value: fc.oneof(strings, anything),
      works: (v: unknown) => v === undefined || typeof v === 'string',
    },
    appName: { value: fc.oneof(strings, anything), works: (v: unknown) => v === undefined || typeof v === 'string' },
    scheduler: { value: anything, works: (v: unknown) => v === undefined },
    onError: { value: fc.oneof(functions, anything), works: (v: unknown) => v == null || typeof v === 'function' },
  } as const;

  test.each(Object.keys(cases) as (keyof typeof cases)[])(
    'any %s works as documented or is refused, naming the field',
    async (field) => {
      await fc.assert(
        fc.asyncProperty(cases[field].value, neverGrants, async (value, user) => {
          const env = platform(user);
          const options = {
            adapter: env.mock.adapter,
            usageDescription: 'property test',
            scheduler: env.clock,
            onError: env.onError,
            [field]: value,
          };
          let session: AudioSession | undefined;
          try {
            session = createAudioSession(options as never);
          } catch (error) {
            expect(cases[field].works(value)).toBe(false);
            expectRefused(error, field);
          }
          if (session) {
            expect(cases[field].works(value)).toBe(true);
            const outcome = await within(env.clock, session.requestRecordPermission());
            const described =
              typeof options.usageDescription === 'string' &&
              /[^\s\p{Z}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u.test(options.usageDescription);
            if (described) expect(outcome).toEqual({ value: false });
            else
              expect(outcome).toEqual({ error: expect.objectContaining({ code: ErrorCode.MissingUsageDescription }) });
            if (options.scheduler === env.clock) {
              await expectSilence(env.clock, session.record(), DEFAULT_FORMAT).catch((error: unknown) => {
                if (described) throw error;
              });
            }
            await closeAndCheck(session, env);
          }
          expect(env.mock.device.opens).toBe(0);
        }),
        RUNS,
      );
    },
  );

  test('options that are not an object, or lack an adapter, are refused', () => {
    fc.assert(
      fc.property(anything, (options) => {
        try {
          createAudioSession(options as never);
          expect.unreachable('accepted');
        } catch (error) {
          expectRefused(error, options === null || typeof options !== 'object' ? 'options' : 'adapter');
        }
      }),
      RUNS,
    );
  });
});

describe('requestRecordPermission(argument)', () => {
  const signalLike = fc.record(
    {
      aborted: fc.oneof(fc.boolean(), anything),
      addEventListener: fc.oneof(
        fc.constant(() => {}),
        anything,
      ),
      removeEventListener: fc.oneof(
        fc.constant(() => {}),
        anything,
      ),
    },
    { requiredKeys: [] },
  );
  const realSignal = fc.boolean().map((aborted) => {
    const controller = new AbortController();
    if (aborted) controller.abort();
    return controller.signal;
  });
  const argument = fc.oneof(
    fc.constant(undefined),
    anything,
    fc.func(anything),
    fc.record({ signal: fc.oneof(realSignal, signalLike, anything) }, { requiredKeys: [] }),
  );

  test('any argument works as documented or is refused, naming the field; never hangs', async () => {
    await fc.assert(
      fc.asyncProperty(argument, neverGrants, async (arg, user) => {
        const env = platform(user);
        const session = createAudioSession({
          adapter: env.mock.adapter,
          usageDescription: 'property test',
          scheduler: env.clock,
          onError: env.onError,
        });
        if (typeof arg === 'function') {
          const calls: unknown[][] = [];
          const response = (...args: unknown[]) => {
            calls.push(args);
            return (arg as (...a: unknown[]) => unknown)(...args);
          };
          expect(session.requestRecordPermission(response)).toBeUndefined();
          expect(calls).toEqual([]); // never synchronously
          await env.clock.advance(BOUND_MS);
          expect(calls).toEqual([[false]]);
        } else {
          const outcome = await within(env.clock, session.requestRecordPermission(arg as RequestOptions | undefined));
          const signal = arg !== null && typeof arg === 'object' ? (arg as { signal?: unknown }).signal : undefined;
          if (arg !== undefined && (arg === null || typeof arg !== 'object')) {
            expectRefused(errorOf(outcome), 'options');
          } else if (signal === undefined || signal instanceof AbortSignal || isCompleteSignal(signal)) {
            const aborted = (signal as AbortSignal | undefined)?.aborted === true;
            expect(outcome).toEqual(
              aborted ? { error: expect.objectContaining({ name: 'AbortError' }) } : { value: false },
            );
          } else {
            expectRefused(errorOf(outcome), 'signal');
          }
        }
        expect(env.reported).toEqual([]);
        await closeAndCheck(session, env);
      }),
      { numRuns: 150 },
    );
  });
});

/** The rejection of a settled outcome (a pending or resolved one fails the test). */
function errorOf(outcome: unknown): unknown {
  expect(outcome).toHaveProperty('error');
  return (outcome as { error: unknown }).error;
}

function isCompleteSignal(value: unknown): boolean {
  const candidate = value as Partial<AbortSignal> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.aborted === 'boolean' &&
    typeof candidate.addEventListener === 'function' &&
    typeof candidate.removeEventListener === 'function'
  );
}
