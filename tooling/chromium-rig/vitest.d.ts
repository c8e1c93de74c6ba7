import type { UserWorkspaceConfig } from 'vitest/config';

export interface ChromiumProjectOptions {
  include?: string[];
  commands?: Record<string, (...args: never[]) => unknown>;
  testTimeout?: number;
}

export function chromiumProject(options?: ChromiumProjectOptions): UserWorkspaceConfig;
