import type { UserConfig } from 'tsdown';
export declare function libraryBuild(entry?: UserConfig['entry'], extra?: UserConfig): UserConfig;
