// Mutation testing of @micgate/core (`pnpm check:mutations`, its own CI step in .ci/run): Stryker
// mutates core's source and runs core's tests plus the conformance suite on the mock against every
// mutant, then prints the mutation score. Core is matched by globs only, so moving or renaming its
// files needs no change here. That breaking any rule R1–R14 fails the suite is checked by
// `pnpm check:rules` (tooling/scripts/mutation-rules.mjs), part of `npm test`.
export default {
  packageManager: 'pnpm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'tooling/scripts/mutation/vitest.config.mjs', related: false },
  mutate: ['packages/core/src/**/*.ts'],
  // pnpm links workspace packages to their real folders, so a sandbox copy would test the original
  // source; mutating in place (restored when Stryker exits) is what makes the mock's run see mutants.
  inPlace: true,
  // Vitest does not type-check, so no file needs a `// @ts-nocheck` written into it.
  disableTypeChecks: false,
  coverageAnalysis: 'perTest',
  // Module-level mutants re-run every test; core's module level holds constants the tests check anyway.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  // Only mutants whose code or tests changed since the committed results are run again; the score
  // printed is still the whole of core's. Refresh the file with `pnpm check:mutations` and commit it
  // (`--force` runs every mutant). A full run is 1,759 mutants, about 25 min on a loaded 2-core machine.
  incremental: true,
  incrementalFile: 'tooling/scripts/mutation/incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'test-results/mutation/index.html' },
  jsonReporter: { fileName: 'test-results/mutation/report.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  // 74% on the first run (December 2026); fail the step if the score falls well below that.
  thresholds: { high: 80, low: 65, break: 65 },
  tempDirName: 'node_modules/.stryker-tmp',
  cleanTempDir: 'always',
};
