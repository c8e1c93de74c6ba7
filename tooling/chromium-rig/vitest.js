import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defaultClientConditions } from 'vite';
import { defineProject } from 'vitest/config';
import { chromiumLaunchOptions, fakeMicrophoneWavPath } from './chromium.js';
import { micgateCommands } from './commands.js';

const globalSetup = fileURLToPath(new URL('./global-setup.js', import.meta.url));

/**
 * A Vitest project running its tests inside headless Debian Chromium with a fake microphone
 * playing FAKE_MICROPHONE, and the `setMicrophonePermission` command.
 * @param {import('./vitest.d.ts').ChromiumProjectOptions} [options]
 */
export function chromiumProject(options = {}) {
  const launchOptions = chromiumLaunchOptions(fakeMicrophoneWavPath());
  return defineProject({
    resolve: { conditions: ['@micgate/source', ...defaultClientConditions] },
    optimizeDeps: { include: ['rxjs'] },
    test: {
      include: options.include ?? ['test/**/*.test.ts'],
      globalSetup: [globalSetup],
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: 20_000,
      // One page at a time: the files share the fake microphone, and the machine is small.
      fileParallelism: false,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({ launchOptions }),
        instances: [{ browser: 'chromium' }],
        commands: { ...micgateCommands, ...options.commands },
      },
    },
  });
}
