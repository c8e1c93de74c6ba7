import { levelBar } from '@micgate/core';

export interface MeterState {
  elapsedSeconds: number;
  totalSeconds: number;
  /** Level of the latest buffers, dBFS (-Infinity for digital silence). */
  dbfs: number;
  /** Why the audio is silence, when it is: the permission state. */
  silenceReason: string | undefined;
}

const MAX_BAR = 30;
const MIN_BAR = 8;

/**
 * One line for a terminal of `columns` columns: `● REC 00:03.2 / 00:10.0  [######----]  -12.3 dBFS`.
 * It is at most `columns - 1` characters long, so it never wraps (nor leaves the cursor in the last
 * column, where terminals differ): the bar shrinks first, then goes, then the total, then the end.
 */
export function meterLine(state: MeterState, columns = 80): string {
  const room = Math.max(1, columns - 1);
  const elapsed = clock(state.elapsedSeconds);
  const times = [`${elapsed} / ${clock(state.totalSeconds)}`, elapsed];
  const tail = state.silenceReason !== undefined ? `silence: ${state.silenceReason}` : formatDb(state.dbfs);
  const level = state.silenceReason !== undefined ? Number.NEGATIVE_INFINITY : state.dbfs;
  for (const time of times) {
    const fixed = `● REC ${time}  `.length + `  ${tail}`.length + 2; // 2: the bar's brackets
    const bar = Math.min(MAX_BAR, room - fixed);
    if (bar >= MIN_BAR) return `● REC ${time}  ${levelBar(level, bar)}  ${tail}`;
    const bare = `● REC ${time}  ${tail}`;
    if (bare.length <= room) return bare;
  }
  const shortest = `● ${elapsed} ${tail}`;
  return shortest.length <= room ? shortest : `${shortest.slice(0, room - 1)}…`;
}

/** A plain progress line for logs (stderr not a terminal), one a second. */
export function progressLine(state: MeterState): string {
  const level = state.silenceReason !== undefined ? `silence: ${state.silenceReason}` : formatDb(state.dbfs);
  return `recording ${state.elapsedSeconds.toFixed(1)} s of ${state.totalSeconds.toFixed(1)} s, ${(state.totalSeconds - state.elapsedSeconds).toFixed(1)} s left, level ${level}`;
}

export function formatDb(dbfs: number): string {
  return Number.isFinite(dbfs) ? `${dbfs.toFixed(1)} dBFS` : '-inf dBFS';
}

function clock(seconds: number): string {
  const whole = Math.max(0, seconds);
  const minutes = Math.floor(whole / 60);
  return `${String(minutes).padStart(2, '0')}:${(whole - minutes * 60).toFixed(1).padStart(4, '0')}`;
}
