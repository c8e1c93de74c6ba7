import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The mock's conformance run with '@micgate/core' resolved to broken-core.js, which swaps in the
// session that breaks the rule named by MICGATE_RULE_MUTANT (see tooling/scripts/mutation-rules.mjs).
const root = fileURLToPath(new URL('../../..', import.meta.url));
const brokenCore = fileURLToPath(new URL('broken-core.js', import.meta.url));
// broken-core.js itself imports the real core: its source entry, as the workspace resolves it.
const corePackage = JSON.parse(readFileSync(`${root}packages/core/package.json`, 'utf8'));
const coreEntry = `${root}packages/core/${corePackage.exports['.']['@micgate/source']}`;

const redirectCore = {
  name: 'micgate-rule-mutant',
  enforce: 'pre',
  resolveId(id, importer) {
    if (id !== '@micgate/core' || !importer) return undefined;
    return importer.startsWith(brokenCore) ? coreEntry : brokenCore;
  },
};

export default defineConfig({
  root,
  test: {
    projects: [{ extends: `${root}packages/mock/vitest.config.ts`, root: `${root}packages/mock`, plugins: [redirectCore] }],
  },
});
