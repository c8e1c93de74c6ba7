#!/usr/bin/env node
// Breaks each rule R1–R14 in turn and checks that the conformance suite, run against the mock on
// virtual time, fails. The broken sessions live in mutation/broken-core.js and use only core's
// public contract, so refactoring core cannot silently turn a check off. Mutations of core's own
// source are Stryker's job (`pnpm check:mutations`, stryker.config.mjs).
// Usage: node tooling/scripts/mutation-rules.mjs [substring of a mutant's name]
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = fileURLToPath(new URL('mutation/rules.vitest.config.mjs', import.meta.url));
const source = readFileSync(fileURLToPath(new URL('mutation/broken-core.js', import.meta.url)), 'utf8');
// The mutant names, read from the module without loading it (it imports the TypeScript source).
const names = [...source.matchAll(/^ {2}'(R\d+ [^']+)'\(options\)/gm)].map((match) => match[1]);
const only = process.argv.slice(2).find((arg) => arg !== '--');
const selected = only ? names.filter((name) => name.includes(only)) : names;
if (selected.length === 0) throw new Error(`no mutant matches "${only}" (${names.length} in broken-core.js)`);
const work = mkdtempSync(join(tmpdir(), 'micgate-rules-'));

/** Runs the suite once: the names of the tests that failed and of those that passed. */
async function run(mutant) {
  const outputFile = join(work, `${names.indexOf(mutant) + 1}.json`);
  const env = { ...process.env, FORCE_COLOR: '0' };
  if (mutant) env.MICGATE_RULE_MUTANT = mutant;
  else delete env.MICGATE_RULE_MUTANT;
  let error;
  try {
    await promisify(execFile)(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--config',
        config,
        '--reporter=json',
        `--outputFile=${outputFile}`,
      ],
      { cwd: root, env, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (thrown) {
    error = thrown;
  }
  let report;
  try {
    report = JSON.parse(readFileSync(outputFile, 'utf8'));
  } catch {
    const why = String(error?.stderr ?? error?.message ?? 'no report')
      .trim()
      .split('\n')
      .slice(-3)
      .join(' / ');
    return { failed: [`(the run failed before reporting: ${why})`], passed: [] };
  }
  const tests = report.testResults.flatMap((file) => file.assertionResults);
  const titled = (status) => tests.filter((test) => test.status === status).map((test) => test.title);
  const failed = titled('failed');
  if (error && failed.length === 0) failed.push('(an unhandled error or a failed hook)');
  return { failed, passed: titled('passed') };
}

const started = Date.now();
try {
  const baseline = await run(undefined);
  if (baseline.failed.length > 0) {
    console.error(
      `the suite fails with no rule broken, so nothing can be concluded:\n  ${baseline.failed.join('\n  ')}`,
    );
    process.exit(1);
  }
  // A run that passes because the rule tests did not run at all proves nothing.
  const untested = Array.from({ length: 14 }, (_, i) => `R${i + 1}`).filter(
    (rule) => !baseline.passed.some((title) => new RegExp(`\\b${rule}\\b`).test(title)),
  );
  if (untested.length > 0) {
    console.error(`no passing conformance test names ${untested.join(', ')}: is the suite still run on the mock?`);
    process.exit(1);
  }
  let survived = 0;
  // Two at a time: each run is a short, mostly single-threaded Vitest process.
  const queue = [...selected];
  const results = new Map();
  await Promise.all(
    [0, 1].map(async () => {
      for (let mutant = queue.shift(); mutant; mutant = queue.shift()) results.set(mutant, await run(mutant));
    }),
  );
  for (const mutant of selected) {
    const { failed } = results.get(mutant);
    const rule = mutant.split(' ')[0];
    if (failed.length === 0) survived++;
    const byRule = failed.filter((title) => new RegExp(`\\b${rule}\\b`).test(title));
    const shown = (byRule.length > 0 ? byRule : failed).slice(0, 2).join('; ');
    console.log(`${failed.length > 0 ? 'caught  ' : 'SURVIVED'}  ${mutant}${failed.length > 0 ? `  <- ${shown}` : ''}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    `${selected.length - survived} of ${selected.length} broken rules caught by the conformance suite (${seconds} s)`,
  );
  process.exitCode = survived === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
