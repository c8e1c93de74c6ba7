import type { DeniedRecovery } from '@micgate/core';
import { resolve } from 'node:path';
import { defaultConfigDir } from './config-dir.js';

export interface NodeRecoveryOptions {
  appId: string;
  /** The name the user knows the app by; default the app id. */
  appName?: string;
  /** The folder of the store the app reads (`store.path`). */
  storePath: string;
  /** The environment the command will run in; default `process.env` (XDG_CONFIG_HOME picks the default store). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The way back from a denial on Node.js, Bun and Deno: the `micgate` settings command that grants
 * this app, as a user types it in the app's project (`npx` finds the bin that `micgate` or
 * `@micgate/node` installed, else fetches `micgate`). A store outside the default folder is named
 * with `--config-dir`. The running app's store watcher picks the change up within about half a second.
 */
export function nodeRecovery(options: NodeRecoveryOptions): DeniedRecovery {
  const { appId, storePath } = options;
  const name = options.appName ?? appId;
  const custom = resolve(storePath) !== resolve(defaultConfigDir(options.env ?? process.env));
  const command = `npx micgate grant ${shellWord(appId)}${custom ? ` --config-dir ${shellWord(storePath)}` : ''}`;
  return {
    target: 'micgate-settings',
    platform: 'node',
    summary: `${name} may not use the microphone; allow it with: ${command}`,
    steps: [
      `In a terminal, in the app's project folder, run: ${command}`,
      `${name} picks the change up while it runs; recording starts within a second.`,
    ],
    command,
    appliesWithoutReload: true,
  };
}

/**
 * `word` as one shell word: unquoted when no shell reads anything into it, else in single quotes
 * (POSIX shells; PowerShell too, where a leading `@` would splat, unless the word holds a quote).
 * App ids are letters, digits and `. _ - @ / +`, so only a leading `@` needs quotes there.
 */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_./+-][A-Za-z0-9_./+:=,%@-]*$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
