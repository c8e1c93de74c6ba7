import { defineConfig } from 'vitest/config';
import { chromiumProject } from '@micgate/chromium-rig/vitest';

// User activation is sticky for a whole tab: once any file clicks, every later page in that tab
// may start audio. The returning-visitor test runs in its own project (its own tab) so nothing
// clicks before it.
const NO_GESTURE = ['test/user-gesture.test.ts'];
// Served with COOP/COEP, so the page is cross-origin isolated and capture takes its SharedArrayBuffer ring.
const ISOLATED = ['test/capture-ring.test.ts'];
const chromium = chromiumProject({ include: ['test/**/*.test.ts'] });
const noGesture = chromiumProject({ include: NO_GESTURE });
const isolated = chromiumProject({ include: ISOLATED });

export default defineConfig({
  test: {
    projects: [
      { ...chromium, test: { ...chromium.test, name: 'chromium', exclude: [...NO_GESTURE, ...ISOLATED] } },
      { ...noGesture, test: { ...noGesture.test, name: 'chromium:no-gesture' } },
      {
        ...isolated,
        server: {
          headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
        },
        test: { ...isolated.test, name: 'chromium:isolated' },
      },
    ],
  },
});
