import type { DeniedRecovery, RecoveryTarget } from './types.js';

const TARGETS: ReadonlySet<string> = new Set<RecoveryTarget>([
  'micgate-settings',
  'site-settings',
  'os-privacy',
  'app-settings',
]);

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isOptionalText = (value: unknown) => value === undefined || isText(value);

/**
 * Whether `value` is a well-formed DeniedRecovery: a known target, non-blank platform, summary and
 * steps (at least one), and `command`, `url`, `address` non-blank when present (`url` parses as a URL).
 * For data that crossed a boundary (an adapter, IPC).
 */
export function isDeniedRecovery(value: unknown): value is DeniedRecovery {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Partial<Record<keyof DeniedRecovery, unknown>>;
  return (
    typeof r.target === 'string' &&
    TARGETS.has(r.target) &&
    isText(r.platform) &&
    isText(r.summary) &&
    Array.isArray(r.steps) &&
    r.steps.length > 0 &&
    r.steps.every(isText) &&
    isOptionalText(r.command) &&
    isOptionalText(r.address) &&
    (r.url === undefined || (isText(r.url) && parses(r.url))) &&
    typeof r.appliesWithoutReload === 'boolean'
  );
}

function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
