import { defineProject } from 'vitest/config';

/** Workspace packages resolve to their TypeScript source in tests (the `@micgate/source` condition). */
export const sourceConditions = ['@micgate/source'];

/**
 * Vitest preset for packages tested in Node.
 * @param {import('vitest/config').UserWorkspaceConfig['test']} [test]
 */
export function nodeProject(test = {}) {
  return defineProject({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: { environment: 'node', ...test },
  });
}
