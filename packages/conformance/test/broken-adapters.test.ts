import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import type { MockFault } from './mock-harness.js';

/** The test each broken adapter must fail (it may fail others too). */
const CAUGHT_BY: Record<Exclude<MockFault, 'noChanges'>, string> = {
  fast: 'capture: device audio arrives at the real-time rate',
  slow: 'capture: device audio arrives at the real-time rate',
  drops: 'capture: each device buffer’s time is one buffer after the one before',
  repeats: 'capture: each device buffer’s time is one buffer after the one before',
  wrongSize: 'capture: the adapter’s own capture() delivers exactly the asked format',
  opensEarly: 'capture: the device is not opened before the grant',
  silentChanges: 'manifest: changes() exists exactly when declared',
  undeclaredDevices: 'manifest: devices() exists exactly when declared',
  separatePrompts: 'R4 two sessions of one app on one adapter share one open prompt',
  wrongCode: 'R12 a device that is busy fails the recording',
};

/** On real time only the pace tests run: the rest of the suite is the same code as on virtual time. */
const REAL_TIME_TESTS = 'capture: (device audio arrives at the real-time rate|each device buffer)';

interface Outcome {
  title: string;
  status: string;
  meta?: { micgateNotRun?: string };
}

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

/** Runs suites in a child Vitest (a nested run in this process would share its state) and reads its JSON report. */
async function runSuites(files: string[], testNamePattern?: string): Promise<Map<string, Outcome[]>> {
  const out = await mkdtemp(join(tmpdir(), 'micgate-broken-'));
  try {
    const report = join(out, 'report.json');
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
    const args = [
      vitestBin,
      'run',
      '--config',
      'test/broken/vitest.config.ts',
      '--reporter=json',
      `--outputFile=${report}`,
      ...files,
    ];
    if (testNamePattern) args.push('--testNamePattern', testNamePattern);
    // Failing suites are the point: the exit status says nothing here, the report does.
    await new Promise<void>((resolve) =>
      execFile(process.execPath, args, { cwd: packageDir, env, timeout: 240_000 }, () => resolve()),
    );
    const json = JSON.parse(await readFile(report, 'utf8')) as {
      testResults: { name: string; assertionResults: Outcome[] }[];
    };
    return new Map(
      json.testResults.map((file) => [
        file.name.split('/').at(-1)!.replace('.conformance.ts', ''),
        file.assertionResults,
      ]),
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const failed = (outcomes: Outcome[] | undefined) =>
  (outcomes ?? []).filter((o) => o.status === 'failed').map((o) => o.title);
const ran = (outcomes: Outcome[] | undefined) =>
  (outcomes ?? []).filter((o) => o.status === 'passed' || o.status === 'failed');

describe('the suite fails broken adapters and passes honest ones', () => {
  let virtual: Map<string, Outcome[]>;
  let real: Map<string, Outcome[]>;
  beforeAll(async () => {
    [virtual, real] = await Promise.all([
      runSuites([...Object.keys(CAUGHT_BY), 'noChanges'].map((fault) => `test/broken/${fault}.conformance.ts`)),
      runSuites(['test/broken/real-time-'], REAL_TIME_TESTS),
    ]);
  }, 300_000);

  test.each(Object.entries(CAUGHT_BY))('the mock with fault %s fails “%s”', (fault, title) => {
    const outcomes = virtual.get(fault);
    expect(ran(outcomes).length, `the suite ran for ${fault}`).toBeGreaterThan(40);
    expect(failed(outcomes)).toContainEqual(expect.stringContaining(title));
  });

  test.each(['fast', 'slow'])(
    'on real time too, the mock at the wrong pace (%s) fails the rate and time checks',
    (fault) => {
      const outcomes = real.get(`real-time-${fault}`);
      expect(failed(outcomes)).toEqual(
        expect.arrayContaining([expect.stringContaining(CAUGHT_BY.fast), expect.stringContaining(CAUGHT_BY.drops)]),
      );
    },
  );

  test('the honest mock passes the same checks on real time', () => {
    const outcomes = real.get('real-time-honest');
    expect(ran(outcomes).map((o) => o.title)).toEqual([
      expect.stringContaining(CAUGHT_BY.drops),
      expect.stringContaining(CAUGHT_BY.fast),
    ]);
    expect(failed(outcomes)).toEqual([]);
  });

  test('an honest adapter with supports.changes false passes; what needs outside changes is not run, and says why', () => {
    const outcomes = virtual.get('noChanges') ?? [];
    expect(ran(outcomes).length).toBeGreaterThan(40);
    expect(failed(outcomes)).toEqual([]);
    const notRun = outcomes.filter((o) => o.status === 'skipped');
    expect(notRun.map((o) => o.title)).toEqual([
      expect.stringMatching(/^R6 only a change outside the app/),
      expect.stringMatching(/^R9 revoked while recording/),
      expect.stringMatching(/^recovery: while denied/),
    ]);
    const [r6, r9, recovery] = notRun;
    for (const o of [r6, r9]) expect(o?.meta?.micgateNotRun).toMatch(/declares supports\.changes false/);
    // The mock offers no way back (it has no settings to send the user to), and the suite says so.
    expect(recovery?.meta?.micgateNotRun).toMatch(/has no recovery\(\)/);
  });
});
