import type { DeniedRecovery } from '@micgate/core';
import { adviceStyleFor } from './advice.js';

/** The command that allows the recorder again, and whether a running take picks it up. */
export interface WayBack {
  command: string;
  live: boolean;
}

/**
 * The session's own way back (`npx micgate grant <appId>`, quoted and with `--config-dir` where
 * needed), except inside the micgate repository, where `scripted` (its npm script) is what runs.
 */
export function wayBack(recovery: DeniedRecovery | undefined, scripted: string, cwd = process.cwd()): WayBack {
  const command = adviceStyleFor(cwd) === 'npx' && recovery?.command !== undefined ? recovery.command : scripted;
  return { command, live: recovery?.appliesWithoutReload ?? false };
}
