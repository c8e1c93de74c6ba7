import type { UserWorkspaceConfig } from 'vitest/config';
export declare const sourceConditions: string[];
export declare function nodeProject(test?: UserWorkspaceConfig['test']): UserWorkspaceConfig;
