import type { DeniedRecovery } from '@micgate/core';
import { adviceIn, adviceStyleFor } from './advice.js';

/** The command that allows the recorder again, and whether a running take picks it up. */
export interface WayBack {
  command: string;
  live: boolean;
}

/**
 * The session's own way back (`npx micgate grant <appId>`, quoted and with `--config-dir` where
 * needed), except inside the micgate repository, where the command is its npm script.
 */
export function wayBack(recovery: DeniedRecovery | undefined, appId: string, cwd: string): WayBack {
  const style = adviceStyleFor(cwd);
  const command =
    style === 'npx' && recovery?.command !== undefined ? recovery.command : adviceIn(style)('grant', appId);
  return { command, live: recovery?.appliesWithoutReload ?? false };
}
