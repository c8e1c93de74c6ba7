import type { UserWorkspaceConfig } from 'vitest/config';

export interface FirefoxProjectOptions {
  name?: string;
  include?: string[];
  commands?: Record<string, (...args: never[]) => unknown>;
  testTimeout?: number;
}

export function firefoxProject(options?: FirefoxProjectOptions): UserWorkspaceConfig;
