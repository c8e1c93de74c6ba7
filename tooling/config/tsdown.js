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
    dts: true,
    sourcemap: true,
    clean: true,
    ...extra,
  });
}
