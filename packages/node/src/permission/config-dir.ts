import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export const STORE_FILE_NAME = 'permissions.json';

/**
 * `$XDG_CONFIG_HOME/micgate`, or `~/.config/micgate`. The XDG spec says a relative
 * XDG_CONFIG_HOME is invalid and must be ignored.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir(), '.config');
  return join(base, 'micgate');
}
