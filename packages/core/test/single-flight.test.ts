import { expect, test } from 'vitest';
import { singleFlight } from '../src/index.js';

test('concurrent callers share one call and its answer; the next call after it settles starts anew', async () => {
  let calls = 0;
  const resolvers: ((value: string) => void)[] = [];
  const ask = singleFlight((label: string) => {
    calls++;
    return new Promise<string>((resolve) => resolvers.push((value) => resolve(`${label}:${value}`)));
  });
  const first = ask('a');
  const second = ask('b');
  expect(second).toBe(first);
  expect(calls).toBe(1);
  resolvers[0]!('yes');
  expect(await Promise.all([first, second])).toEqual(['a:yes', 'a:yes']);
  const third = ask('c');
  expect(third).not.toBe(first);
  expect(calls).toBe(2);
  resolvers[1]!('no');
  expect(await third).toBe('c:no');
});

test('a failure reaches every waiter, and is not kept: the next call tries again', async () => {
  let calls = 0;
  const flaky = singleFlight(async () => {
    calls++;
    if (calls === 1) throw new Error('first fails');
    return 'second works';
  });
  const [a, b] = [flaky(), flaky()];
  await expect(a).rejects.toThrow('first fails');
  await expect(b).rejects.toThrow('first fails');
  expect(await flaky()).toBe('second works');
  expect(calls).toBe(2);
});

test('a synchronous throw becomes a rejection', async () => {
  const broken = singleFlight((): Promise<void> => {
    throw new Error('sync');
  });
  await expect(broken()).rejects.toThrow('sync');
});
