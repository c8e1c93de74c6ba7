import type { RecordPermission } from './types.js';

/** Whether a value is one of Apple's three answers (for values that crossed a process or a file). */
export function isRecordPermission(value: unknown): value is RecordPermission {
  return value === 'undetermined' || value === 'denied' || value === 'granted';
}
