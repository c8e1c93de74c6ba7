import { fileURLToPath } from 'node:url';
import { defaultClientConditions } from 'vite';
import { defineProject } from 'vitest/config';
import { firefoxCommands, firefoxProvider } from './provider.js';

const globalSetup = fileURLToPath(new URL('./global-setup.js', import.meta.url));

/**
 * A Vitest project running its tests inside headless Firefox ESR, capturing from the audio rig,
 * with Firefox's default autoplay policy and the rig's commands (see page.ts).
 * @param {import('./vitest.d.ts').FirefoxProjectOptions} [options]
 */
export function firefoxProject(options = {}) {
  return defineProject({
    resolve: { conditions: ['@micgate/source', ...defaultClientConditions] },
    optimizeDeps: { include: ['rxjs'] },
    test: {
      name: options.name ?? 'firefox',
      include: options.include ?? ['test/**/*.test.ts'],
      globalSetup: [globalSetup],
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: 20_000,
      // One page at a time: the files share one microphone, and the machine is small. Projects
      // share it too: each gets its own group, so they run one after the other.
      fileParallelism: false,
      sequence: { groupOrder: options.groupOrder ?? 0 },
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: firefoxProvider(),
        instances: [{ browser: 'firefox' }],
        // The commands take this provider's context ({ page, launched }), not Vitest's generic one.
        commands: /** @type {Record<string, import('vitest/node').BrowserCommand<any[]>>} */ (
          /** @type {unknown} */ ({ ...firefoxCommands, ...options.commands })
        ),
      },
    },
  });
}
