import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { conformanceOnMock, root } from './conformance-projects.mjs';

// The conformance suite on the mock with '@micgate/core' resolved to broken-core.js, which swaps in
// the session that breaks the rule named by MICGATE_RULE_MUTANT (see tooling/scripts/mutation-rules.mjs).
const brokenCore = fileURLToPath(new URL('broken-core.js', import.meta.url));
// broken-core.js itself imports the real core: its source entry, as the workspace resolves it.
const corePackage = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8'));
const coreEntry = join(root, 'packages/core', corePackage.exports['.']['@micgate/source']);

const redirectCore = {
  name: 'micgate-rule-mutant',
  enforce: 'pre',
  resolveId(id, importer) {
    if (id !== '@micgate/core' || !importer) return undefined;
    return importer.startsWith(brokenCore) ? coreEntry : brokenCore;
  },
};

export default defineConfig({ root, test: { projects: conformanceOnMock([redirectCore]) } });
