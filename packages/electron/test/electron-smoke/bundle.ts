import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the smoke app that a real Electron loads. */
export const smokeApp = dirname(fileURLToPath(import.meta.url));

/** A sandboxed preload can require only 'electron': bundle the smoke preload with the bridge from dist inlined. */
export async function bundleSmokePreload(): Promise<string> {
  const { build } = await import('tsdown');
  await build({
    entry: { 'preload.bundle': join(smokeApp, 'preload-entry.mjs') },
    format: 'cjs',
    outDir: smokeApp,
    outExtensions: () => ({ js: '.cjs' }),
    config: false,
    clean: false,
    dts: false,
    sourcemap: false,
    platform: 'node',
    // As an app's bundler does: everything inlined (micgate's own packages too), electron left to require.
    deps: { neverBundle: ['electron'], alwaysBundle: [/.*/] },
    logLevel: 'error',
  });
  return join(smokeApp, 'preload.bundle.cjs');
}
