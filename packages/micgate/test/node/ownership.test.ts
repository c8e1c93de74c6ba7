import { createMockPlatform, VirtualClock } from '@micgate/mock';
import type { RecordPermissionAdapter } from 'micgate';
import { expect, test } from 'vitest';
import { createSessionWith } from '../../src/session.js';

/** A mock adapter that counts its close() calls. */
function countingAdapter(): { adapter: RecordPermissionAdapter; closes: () => number } {
  const { adapter } = createMockPlatform({ scheduler: new VirtualClock() });
  let closes = 0;
  return {
    adapter: Object.assign(Object.create(adapter) as RecordPermissionAdapter, { close: () => void closes++ }),
    closes: () => closes,
  };
}

test('the adapter micgate made is closed with its session', () => {
  const made = countingAdapter();
  const session = createSessionWith({ usageDescription: 'Tests ownership.' }, () => made.adapter);
  expect(session.adapter).toBe(made.adapter);
  expect(made.closes()).toBe(0);
  session.close();
  expect(made.closes()).toBe(1);
});

test('an adapter the app passed stays open: the app owns it (and it wins over the runtime’s)', () => {
  const given = countingAdapter();
  let defaultMade = false;
  const session = createSessionWith({ adapter: given.adapter, usageDescription: 'Tests ownership.' }, () => {
    defaultMade = true;
    return countingAdapter().adapter;
  });
  expect(session.adapter).toBe(given.adapter);
  session.close();
  expect({ defaultMade, closes: given.closes() }).toEqual({ defaultMade: false, closes: 0 });
});

test('a session core refuses closes the adapter micgate made for it', () => {
  const made = countingAdapter();
  expect(() =>
    createSessionWith({ usageDescription: 'x', appName: 42 as unknown as string }, () => made.adapter),
  ).toThrow(/appName/);
  expect(made.closes()).toBe(1);
});
