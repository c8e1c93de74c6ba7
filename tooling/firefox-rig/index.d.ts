import type { Browser, LaunchOptions } from 'puppeteer-core';

export type RecordPermission = 'undetermined' | 'denied' | 'granted';
export type PromptAnswer = 'grant' | 'deny';

export const FIREFOX_PATH: string;
export const FIREFOX_PREFS: Readonly<Record<string, boolean>>;
export function firefoxLaunchOptions(env?: NodeJS.ProcessEnv): LaunchOptions & { browser: 'firefox' };
export function launchFirefox(options?: LaunchOptions): Promise<Browser>;
export function inBrowserWindow<T, A = null>(browser: Browser, fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
export function setMicrophonePermission(browser: Browser, origin: string, state: RecordPermission): Promise<void>;
export function answerMicrophonePrompt(
  browser: Browser,
  answer: PromptAnswer,
  options?: { remember?: boolean; timeoutMs?: number },
): Promise<void>;
export function microphonePrompts(browser: Browser): Promise<number>;
