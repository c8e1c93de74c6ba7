import type { UserWorkspaceConfig } from 'vitest/config';

export interface FirefoxProjectOptions {
  name?: string;
  include?: string[];
  commands?: Record<string, (...args: never[]) => unknown>;
  testTimeout?: number;
  /** Vitest's `sequence.groupOrder`: give each Firefox project of a config its own (they share the rig). */
  groupOrder?: number;
}

export function firefoxProject(options?: FirefoxProjectOptions): UserWorkspaceConfig;
