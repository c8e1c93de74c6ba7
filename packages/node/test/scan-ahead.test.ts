// The inputs scanned while the prompt is open (scan-ahead.ts): kept current by the sound server's
// announcements, and handed once to the open that follows a grant.
import { setTimeout as sleep } from 'node:timers/promises';
import { attachRig } from '@micgate/audio-rig';
import { afterEach, describe, expect, inject, test } from 'vitest';
import type { InputEntry } from '../src/capture/devices.js';
import { offerScan, scanAhead, takeOfferedScan } from '../src/capture/scan-ahead.js';
import { readServerSources } from '../src/capture/sound-server.js';
import { waitUntil } from './frames.js';

const rigDir = inject('rigDir');
const noRig = rigDir === '';
const rig = () => attachRig(rigDir);
const ids = (entries: InputEntry[] | undefined) => (entries ?? []).map((entry) => entry.device.id);

describe.skipIf(noRig)('scanning the inputs ahead of a grant, on the rig', () => {
  afterEach(async () => {
    await rig()
      .removeSource('second')
      .catch(() => {});
  });

  test('a source plugged in while watching is in the scan taken afterwards', async () => {
    const unchanged = scanAhead(3);
    const watching = scanAhead(3);
    try {
      // Started before the change: its first scan has only the rig's microphone.
      await sleep(300);
      expect(ids(await unchanged.take())).toEqual(['pulse:vmic.monitor']);
      await rig().addSource('second', { frequency: 1000, description: 'Second microphone' });
      await waitUntil(
        async () => ((await readServerSources(3)) ?? []).some((source) => source.name === 'second'),
        3_000,
        'the server to list the new source',
      );
      // The announcement's rescan (two pactl runs) replaces the first scan.
      await sleep(1_500);
      const taken = ids(await watching.take());
      expect(taken).toContain('pulse:second');
      expect(taken).toContain('pulse:vmic.monitor');
    } finally {
      unchanged.stop();
      watching.stop();
    }
  });
});

describe('handing a scan to the next open', () => {
  test('is used once, and not once it is a second old', async () => {
    const listed: InputEntry[] = [];
    offerScan(Promise.resolve(listed));
    expect(await takeOfferedScan(3)).toBe(listed);
    expect(takeOfferedScan(3)).toBeUndefined();
    offerScan(Promise.resolve(listed));
    await sleep(1_100);
    expect(takeOfferedScan(3)).toBeUndefined();
  });
});
