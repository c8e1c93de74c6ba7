import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// The project's adapter and the installed mock through the installed suite, inside Debian's Chromium.
export default defineConfig({
  test: {
    include: ['test/**/*.conformance.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.MICGATE_CHROMIUM ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu'],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
