// The part of Vitest's test API that @micgate/conformance uses, for a page that runs without Vitest
// (WebKitGTK crashes under Vitest browser mode here; see the README). The page bundle maps 'vitest'
// to this module. Tests are collected as Vitest collects them and run one at a time when the Node
// side asks (page/runner.ts); `expect` is Vitest's own (@vitest/expect on chai). afterAll hooks are
// collected and not run: each page load runs one test (the suite's only one prints the not-run list,
// which the Node side reports per test).
import { type ExpectStatic, JestAsymmetricMatchers, JestChaiExpect, JestExtend } from '@vitest/expect';
import * as chai from 'chai';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

export const expect = chai.expect as unknown as ExpectStatic;

type Hook = () => unknown;
interface Options {
  timeout?: number;
}
export interface TestContext {
  task: { name: string; meta: Record<string, unknown> };
  skip(reason?: string): never;
}
type TestFn = (ctx: TestContext) => unknown;

interface Suite {
  name: string;
  timeout: number | undefined;
  parent: Suite | undefined;
  beforeEach: Hook[];
  afterEach: Hook[];
  afterAll: Hook[];
}

export interface CollectedTest {
  /** Full name: the describe names and the test's, joined with ' > ' as Vitest's reporters do. */
  name: string;
  suite: Suite;
  fn: TestFn;
  timeout: number | undefined;
}

const root: Suite = { name: '', timeout: undefined, parent: undefined, beforeEach: [], afterEach: [], afterAll: [] };
let current = root;
export const collected: CollectedTest[] = [];

function split<T>(second: Options | T | undefined, third: T | undefined): [Options, T] {
  return typeof second === 'function' || second === undefined ? [{}, second as T] : [second as Options, third as T];
}

export function describe(name: string, options: Options | (() => void), body?: () => void): void {
  const [opts, fn] = split<() => void>(options, body);
  const suite: Suite = { name, timeout: opts.timeout, parent: current, beforeEach: [], afterEach: [], afterAll: [] };
  const outer = current;
  current = suite;
  try {
    fn();
  } finally {
    current = outer;
  }
}

export function test(name: string, options: Options | TestFn, body?: TestFn): void {
  const [opts, fn] = split<TestFn>(options, body);
  const names: string[] = [];
  for (let s: Suite | undefined = current; s && s !== root; s = s.parent) names.unshift(s.name);
  collected.push({ name: [...names, name].join(' > '), suite: current, fn, timeout: opts.timeout });
}

export const beforeEach = (hook: Hook) => void current.beforeEach.push(hook);
export const afterEach = (hook: Hook) => void current.afterEach.push(hook);
export const afterAll = (hook: Hook) => void current.afterAll.push(hook);

/** Thrown by ctx.skip(reason). */
class Skipped extends Error {}

export type TestOutcome =
  | { state: 'passed'; ms: number }
  | { state: 'skipped'; reason: string; ms: number }
  | { state: 'failed'; error: string; ms: number };

function chain(suite: Suite): Suite[] {
  const suites: Suite[] = [];
  for (let s: Suite | undefined = suite; s; s = s.parent) suites.unshift(s);
  return suites;
}

function withTimeout(work: () => unknown, ms: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    Promise.resolve().then(work),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer)) as Promise<void>;
}

/** A value for the Node side's report: plain data, cut short (frames carry sample arrays). */
function show(value: unknown): string {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (ArrayBuffer.isView(item))
      return `[${item.constructor.name} × ${(item as unknown as ArrayLike<number>).length}]`;
    if (typeof item === 'object' && item !== null) {
      if (seen.has(item)) return '[seen]';
      seen.add(item);
    }
    return item;
  });
  return text === undefined ? String(value) : text.length > 1_500 ? `${text.slice(0, 1_500)}…` : text;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const assertion = error as Error & { actual?: unknown; expected?: unknown };
  const values =
    'actual' in assertion ? `\nactual: ${show(assertion.actual)}\nexpected: ${show(assertion.expected)}` : '';
  return `${error.name}: ${error.message}${values}\n${error.stack ?? ''}`;
}

/** Runs one collected test as Vitest would: beforeEach hooks outside in, the test, afterEach hooks inside out. */
export async function runTest(entry: CollectedTest): Promise<TestOutcome> {
  const suites = chain(entry.suite);
  const timeout = entry.timeout ?? [...suites].reverse().find((s) => s.timeout !== undefined)?.timeout ?? 5_000;
  const started = performance.now();
  const ctx: TestContext = {
    task: { name: entry.name.split(' > ').at(-1) ?? entry.name, meta: {} },
    skip(reason) {
      throw new Skipped(reason ?? 'skipped');
    },
  };
  let failure: unknown;
  let skipped: string | undefined;
  try {
    for (const suite of suites) for (const hook of suite.beforeEach) await withTimeout(hook, timeout, 'beforeEach');
    await withTimeout(() => entry.fn(ctx), timeout, 'the test');
  } catch (error) {
    if (error instanceof Skipped) skipped = error.message;
    else failure = error;
  }
  for (const suite of [...suites].reverse()) {
    for (const hook of suite.afterEach) {
      try {
        await withTimeout(hook, timeout, 'afterEach');
      } catch (error) {
        failure ??= error;
      }
    }
  }
  const ms = Math.round(performance.now() - started);
  if (failure !== undefined) return { state: 'failed', error: describeError(failure), ms };
  if (skipped !== undefined) return { state: 'skipped', reason: skipped, ms };
  return { state: 'passed', ms };
}
