import { createAudioSession, type RecordPermission } from '@micgate/core';
import { expect, test } from 'vitest';
import { createMockPlatform, VirtualClock } from '../src/index.js';

function setup() {
  const clock = new VirtualClock();
  const mock = createMockPlatform({ scheduler: clock });
  return { clock, mock };
}

test('two sessions on one mock adapter share one open prompt and its answer', async () => {
  const { clock, mock } = setup();
  const a = createAudioSession({ adapter: mock.adapter, usageDescription: 'first', scheduler: clock });
  const b = createAudioSession({ adapter: mock.adapter, usageDescription: 'second', scheduler: clock });
  mock.user.answerNextPrompt('grant', { delayMs: 100 });
  const answers = Promise.all([a.requestRecordPermission(), b.requestRecordPermission()]);
  await clock.advance(200);
  expect(await answers).toEqual([true, true]);
  expect(mock.user.prompts.map((prompt) => prompt.usageDescription)).toEqual(['first']);
  a.close();
  b.close();
});

test('a relaunched adapter is another app instance: its prompt is its own', async () => {
  const { clock, mock } = setup();
  const first = mock.adapter.prompt({ usageDescription: 'one' });
  const second = mock.relaunch().prompt({ usageDescription: 'two' });
  expect(mock.user.prompts).toHaveLength(2);
  mock.user.answerOpenPrompts('deny');
  await clock.advance(0);
  expect(await Promise.all([first, second])).toEqual(['denied', 'denied']);
});

test('close() closes the open prompt as undetermined, cancels its scripted answer and ends changes()', async () => {
  const { clock, mock } = setup();
  const seen: RecordPermission[] = [];
  let completed = false;
  mock.adapter.changes!().subscribe({ next: (value) => seen.push(value), complete: () => (completed = true) });
  mock.user.answerNextPrompt('grant', { delayMs: 500 });
  const prompt = mock.adapter.prompt({ usageDescription: 'x' });
  await clock.advance(100);
  mock.adapter.close!();
  expect(await prompt).toBe('undetermined');
  expect(completed).toBe(true);
  expect(clock.pending).toBe(0);
  expect(mock.user.prompts[0]?.answer).toBe('dismiss');
  expect(await mock.adapter.status()).toBe('undetermined');
  // After close nothing is shown any more.
  expect(await mock.adapter.prompt({ usageDescription: 'y' })).toBe('undetermined');
  expect(mock.user.prompts).toHaveLength(1);
  mock.user.changeSetting('granted');
  expect(seen).toEqual([]);
});

test('the device delivers one buffer per period on the scheduler, each stamped with its start time', async () => {
  const { clock, mock } = setup();
  const times: number[] = [];
  const subscription = mock.device
    .capture({ sampleRate: 8_000, channels: 2, framesPerBuffer: 80 })
    .subscribe((frame) => {
      expect(frame.samples).toHaveLength(160);
      times.push(frame.time);
    });
  await clock.advance(35);
  subscription.unsubscribe();
  expect(times).toEqual([0, 0.01, 0.02]);
  expect(mock.device.opens).toBe(1);
  expect(mock.device.isOpen).toBe(false);
  expect(clock.pending).toBe(0);
});

test('answers are checked as values, not looked up: names inherited from Object.prototype are refused', () => {
  const { mock } = setup();
  for (const answer of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    expect(() => mock.user.answerNextPrompt(answer as never), answer).toThrow(
      expect.objectContaining({ code: 'ERR_MICGATE_INVALID_ARGUMENT', field: 'answer' }),
    );
    expect(() => mock.user.answerOpenPrompts(answer as never), answer).toThrow(
      expect.objectContaining({ field: 'answer' }),
    );
  }
  for (const answer of [1, null, undefined, {}]) {
    expect(() => mock.user.answerNextPrompt(answer as never)).toThrow(expect.objectContaining({ field: 'answer' }));
  }
});
