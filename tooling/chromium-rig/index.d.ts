import type { Page } from 'playwright';

export type RecordPermission = 'undetermined' | 'denied' | 'granted';

export interface FakeMicrophoneSignal {
  readonly frequency: number;
  readonly amplitude: number;
  readonly rms: number;
  readonly sampleRate: number;
  readonly seconds: number;
}

export const FAKE_MICROPHONE: FakeMicrophoneSignal;
export const CHROMIUM_PATH: string;
export function fakeMicrophoneWavPath(signal?: FakeMicrophoneSignal): string;
export function chromiumArgs(wavPath?: string): string[];
export function chromiumLaunchOptions(wavPath?: string): { executablePath: string; headless: true; args: string[] };
export function writeFakeMicrophoneWav(path?: string, signal?: FakeMicrophoneSignal): Promise<string>;
export function setMicrophonePermission(page: Page, state: RecordPermission, origin?: string): Promise<void>;
export const micgateCommands: {
  setMicrophonePermission(context: { page: Page }, state: RecordPermission): Promise<void>;
};
