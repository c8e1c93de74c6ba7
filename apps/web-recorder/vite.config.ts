import { defineConfig } from 'vite';

export default defineConfig({
  // The workspace packages' TypeScript source, so the page is built from what is checked out.
  resolve: { conditions: ['@micgate/source'] },
  build: { target: 'es2022' },
  preview: { host: '127.0.0.1', strictPort: false },
});
