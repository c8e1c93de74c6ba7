import { defineConfig } from 'tsdown';

/**
 * The build every library package shares: ESM, declarations, source maps.
 * @param {import('tsdown').UserConfig['entry']} [entry]
 * @param {import('tsdown').UserConfig} [extra]
 */
export function libraryBuild(entry = ['src/index.ts'], extra = {}) {
  return defineConfig({
    entry,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // Declaration maps ship beside the .d.ts files (and src/ ships), so go-to-definition reaches the source.
    dts: { sourcemap: true },
    sourcemap: true,
    clean: true,
    ...extra,
  });
}
