import { DeviceBusyError, DeviceNotFoundError, MicrophoneDeniedError, PromptUnavailableError } from '@micgate/core';
import { describe, expect, test } from 'vitest';
import { classifyMediaError, normalizeMediaError } from '../src/index.js';
import { setMicrophonePermission } from '@micgate/chromium-rig/page';

const named = (name: string, message = '') => Object.assign(new Error(message), { name });

describe('normalizeMediaError', () => {
  test.each([
    ['NotAllowedError', MicrophoneDeniedError],
    ['PermissionDeniedError', MicrophoneDeniedError],
    ['SecurityError', MicrophoneDeniedError],
    ['NotFoundError', DeviceNotFoundError],
    ['DevicesNotFoundError', DeviceNotFoundError],
    ['OverconstrainedError', DeviceNotFoundError],
    ['ConstraintNotSatisfiedError', DeviceNotFoundError],
    ['NotReadableError', DeviceBusyError],
    ['TrackStartError', DeviceBusyError],
    ['SourceUnavailableError', DeviceBusyError],
    ['TypeError', PromptUnavailableError],
    ['NotSupportedError', PromptUnavailableError],
  ] as const)('%s becomes %o, keeping the original as cause', (name, type) => {
    const original = named(name, 'from the browser');
    const normalized = normalizeMediaError(original);
    expect(normalized).toBeInstanceOf(type);
    expect(normalized.cause).toBe(original);
    expect(normalized.message).toContain(name);
  });

  test('a dismissed prompt is told apart from a denial; unknown errors pass through', () => {
    expect(classifyMediaError(named('NotAllowedError', 'Permission dismissed'))).toBe('dismissed');
    expect(classifyMediaError(named('NotAllowedError', 'Permission denied'))).toBe('denied');
    expect(classifyMediaError(named('PermissionDismissedError'))).toBe('dismissed');
    for (const inherited of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(classifyMediaError(named(inherited)), inherited).toBe('unknown');
    }
    const odd = named('WeirdError');
    expect(normalizeMediaError(odd)).toBe(odd);
    expect(normalizeMediaError('a string').message).toContain('a string');
  });

  test("Chromium's own rejections classify as what they are", async () => {
    await setMicrophonePermission('denied');
    const denied = await navigator.mediaDevices.getUserMedia({ audio: true }).catch((e: unknown) => e);
    expect(classifyMediaError(denied)).toBe('denied');
    await setMicrophonePermission('granted');
    const missing = await navigator.mediaDevices
      .getUserMedia({ audio: { deviceId: { exact: 'no-such-input' } } })
      .catch((e: unknown) => e);
    expect(normalizeMediaError(missing)).toBeInstanceOf(DeviceNotFoundError);
    const nothingAsked = await navigator.mediaDevices.getUserMedia({}).catch((e: unknown) => e);
    expect(normalizeMediaError(nothingAsked)).toBeInstanceOf(PromptUnavailableError);
    await setMicrophonePermission('undetermined');
  });
});
