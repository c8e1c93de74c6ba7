import { describe, expect, it } from 'vitest';
import { type MeterState, meterLine } from '../src/meter.js';

const sound: MeterState = { elapsedSeconds: 3.2, totalSeconds: 10, dbfs: -9, silenceReason: undefined };
const denied: MeterState = { ...sound, dbfs: Number.NEGATIVE_INFINITY, silenceReason: 'permission denied' };

describe('meterLine', () => {
  it('is the full line on a wide terminal', () => {
    expect(meterLine(sound, 120)).toBe(`● REC 00:03.2 / 00:10.0  [${'#'.repeat(26)}${'-'.repeat(4)}]  -9.0 dBFS`);
  });

  it.each([200, 80, 60, 50, 40, 30, 20, 12, 5, 1])(
    'never reaches the last column of a %i-column terminal',
    (columns) => {
      for (const state of [sound, denied]) {
        const line = meterLine(state, columns);
        expect(line.length).toBeLessThanOrEqual(Math.max(1, columns - 1));
        expect(line).not.toContain('\n');
      }
    },
  );

  it('keeps the silence reason whole at 80 and 50 columns, shrinking the bar first', () => {
    expect(meterLine(denied, 80)).toMatch(/^● REC 00:03\.2 \/ 00:10\.0 {2}\[-{8,30}\] {2}silence: permission denied$/);
    expect(meterLine(denied, 50)).toMatch(/^● REC 00:03\.2( \/ 00:10\.0)? {2}(\[-+\] {2})?silence: permission denied$/);
    expect(meterLine(sound, 50)).toMatch(/^● REC 00:03\.2 \/ 00:10\.0 {2}\[#+-*\] {2}-9\.0 dBFS$/);
  });
});
