// A small app, type-checked strict under `module: nodenext` and under `moduleResolution: bundler`,
// against the installed packages' declarations.
import {
  createAudioSession,
  type AudioFrame,
  InvalidArgumentError,
  measureLevel,
  type MicgateSession,
  PromptUnavailableError,
  type RecordPermission,
} from 'micgate';
import type { ConformanceHarness } from 'micgate/conformance';
import { createMockPlatform, VirtualClock } from 'micgate/mock';
import { createNodeAdapter, type NodeAdapterOptions } from 'micgate/node';
import type { BrowserAdapterOptions } from 'micgate/browser';
import type { ElectronAdapterOptions } from 'micgate/electron/renderer';
import { createAudioSession as createCoreSession } from '@micgate/core';
import { TinyAdapter, TinyWorld } from './tiny-adapter.js';

export async function main(): Promise<RecordPermission> {
  const session: MicgateSession = createAudioSession({
    appId: 'pack-test',
    usageDescription: 'Checks the packed packages.',
  });
  const subscription = session.record({ sampleRate: 48_000 }).subscribe((frame: AudioFrame) => {
    const dbfs: number = measureLevel(frame.samples).dbfs;
    void dbfs;
  });
  try {
    await session.requestRecordPermission({ signal: AbortSignal.timeout(1_000) });
  } catch (error) {
    if (error instanceof PromptUnavailableError) console.error('grant it with `micgate grant pack-test`');
    else if (error instanceof InvalidArgumentError) console.error(error.field);
  }
  subscription.unsubscribe();
  session.close();

  const options: NodeAdapterOptions = { appId: 'pack-test' };
  const core = createCoreSession({ adapter: createNodeAdapter(options), usageDescription: 'x' });
  core.close();
  const mock = createMockPlatform({ scheduler: new VirtualClock() });
  const tiny = new TinyAdapter(new TinyWorld(new VirtualClock()));
  const browser: BrowserAdapterOptions = {};
  const electron: ElectronAdapterOptions = {};
  const harness: Pick<ConformanceHarness, 'adapter'> = { adapter: tiny };
  void [mock.adapter, browser, electron, harness];
  return session.recordPermission;
}
