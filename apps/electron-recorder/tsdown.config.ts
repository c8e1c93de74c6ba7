import { defineConfig } from 'tsdown';

// The main process (ESM, Node) and the preload (CommonJS, everything bundled in: a sandboxed
// preload can require nothing but 'electron'). The renderer is built by Vite (vite.config.ts).
export default defineConfig([
  {
    entry: { main: 'src/main.ts' },
    format: 'esm',
    platform: 'node',
    target: 'node22',
    dts: false,
    sourcemap: true,
    clean: false,
    fixedExtension: false,
    deps: { neverBundle: ['electron'] },
  },
  {
    entry: { preload: 'src/preload.ts' },
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    dts: false,
    sourcemap: false,
    clean: false,
    deps: { neverBundle: ['electron'], alwaysBundle: [/.*/] },
  },
]);
