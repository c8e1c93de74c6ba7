// CPU time of this process by thread, from /proc/self/task/*/schedstat (Linux, in ns): the JS
// thread (its id is the process id) and every other thread together (PortAudio's callback thread,
// PulseAudio's client thread, V8's and libuv's helpers). Undefined where /proc is missing.
import { readdirSync, readFileSync } from 'node:fs';

export function threadCpuSeconds() {
  let tids;
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  let js = 0;
  let other = 0;
  for (const tid of tids) {
    let ns;
    try {
      ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      continue; // the thread ended while we listed them
    }
    if (Number(tid) === process.pid) js += ns;
    else other += ns;
  }
  return { js: js / 1e9, other: other / 1e9 };
}

/** What ran between two readings, in seconds per thread group; undefined if either is. */
export function threadCpuSince(before, after = threadCpuSeconds()) {
  if (!before || !after) return undefined;
  return { js: after.js - before.js, other: after.other - before.other };
}
