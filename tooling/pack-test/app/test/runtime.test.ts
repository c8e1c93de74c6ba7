import { expect, test } from 'vitest';

/** The runtime this test worker runs on: Vitest may be started on Bun or Deno (tooling/runtimes). */
function runtime(): string {
  const versions = process.versions as Record<string, string | undefined>;
  return versions.bun ? 'bun' : versions.deno ? 'deno' : 'node';
}

test('the tests run on the runtime the caller asked for', () => {
  expect(runtime()).toBe(process.env.MICGATE_EXPECT_RUNTIME ?? 'node');
});
