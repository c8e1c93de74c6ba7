import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Vitest projects for the conformance suite run against the mock on virtual time: the test files
 * of the mock and conformance packages that call describeConformance in-process. Found by what they
 * do, not by their names, so moving the run between those packages or renaming it changes nothing.
 * @param {unknown[]} plugins Vite plugins to add to each project.
 */
export function conformanceOnMock(plugins = []) {
  const projects = [];
  for (const name of ['mock', 'conformance']) {
    const dir = join(root, 'packages', name);
    const testDir = join(dir, 'test');
    if (!existsSync(testDir)) continue;
    const include = readdirSync(testDir, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.test.ts'))
      .filter((file) => /\bdescribeConformance\(/.test(readFileSync(join(testDir, file), 'utf8')))
      .map((file) => `test/${file}`);
    if (include.length === 0) continue;
    projects.push({
      extends: join(dir, 'vitest.config.ts'),
      root: dir,
      plugins,
      test: { name: `${name} (conformance)`, include },
    });
  }
  if (projects.length === 0)
    throw new Error('no test file in packages/mock or packages/conformance runs describeConformance');
  return projects;
}
