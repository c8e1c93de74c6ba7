import { expect, test } from 'vitest';
import { createCaptureStates } from '../src/capture-state.js';
import type { CaptureState } from '../src/index.js';

test('the combined state of several captures: the most telling one wins, idle once all have ended', () => {
  const states = createCaptureStates();
  const seen: CaptureState[] = [];
  const subscription = states.changes.subscribe((state) => seen.push(state));
  const first = states.track();
  const second = states.track();
  first('starting');
  first('running');
  second('needs-user-gesture');
  expect(states.value).toBe('needs-user-gesture');
  second('running');
  first('idle');
  expect(states.value).toBe('running');
  second('idle');
  expect(states.value).toBe('idle');
  expect(seen).toEqual(['idle', 'starting', 'running', 'needs-user-gesture', 'running', 'idle']);
  subscription.unsubscribe();
});
