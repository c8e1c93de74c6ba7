import { levelBar } from '@micgate/core';

export interface MeterState {
  elapsedSeconds: number;
  totalSeconds: number;
  /** Level of the latest buffers, dBFS (-Infinity for digital silence). */
  dbfs: number;
  /** Why the audio is silence, when it is: the permission state. */
  silenceReason: string | undefined;
}

/** One line for a terminal: `● REC 00:03.2 / 00:10.0  [######----]  -12.3 dBFS`. */
export function meterLine(state: MeterState, width = 30): string {
  const time = `${clock(state.elapsedSeconds)} / ${clock(state.totalSeconds)}`;
  if (state.silenceReason !== undefined) return `● REC ${time}  ${levelBar(Number.NEGATIVE_INFINITY, width)}  silence: ${state.silenceReason}`;
  return `● REC ${time}  ${levelBar(state.dbfs, width)}  ${formatDb(state.dbfs)}`;
}

/** A plain progress line for logs (stderr not a terminal), one a second. */
export function progressLine(state: MeterState): string {
  const level = state.silenceReason !== undefined ? `silence (${state.silenceReason})` : formatDb(state.dbfs);
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
