import { defineConfig } from 'vite';

// The renderer page, served to the window as app://recorder/ by the main process.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  resolve: { conditions: ['@micgate/source'] },
  build: { outDir: '../../dist/renderer', emptyOutDir: true, target: 'chrome130' },
});
