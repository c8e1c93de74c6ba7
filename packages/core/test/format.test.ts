import { describe, expect, test } from 'vitest';
import { DEFAULT_FORMAT, InvalidArgumentError, resolveFormat } from '../src/index.js';

describe('resolveFormat', () => {
  test('fills in defaults and keeps what was asked', () => {
    expect(resolveFormat()).toEqual(DEFAULT_FORMAT);
    expect(resolveFormat({ sampleRate: 16_000, channels: undefined })).toEqual({
      ...DEFAULT_FORMAT,
      sampleRate: 16_000,
    });
    expect(resolveFormat({ sampleRate: 8_000, channels: 32, framesPerBuffer: 16 })).toEqual({
      sampleRate: 8_000,
      channels: 32,
      framesPerBuffer: 16,
    });
    expect(resolveFormat({ sampleRate: 384_000, channels: 1, framesPerBuffer: 16_384 }).framesPerBuffer).toBe(16_384);
  });

  test.each([
    [{ sampleRate: 44_100.5 }, null],
    [{ sampleRate: -1 }, 'sampleRate'],
    [{ sampleRate: null }, 'sampleRate'],
    [{ channels: '2' }, 'channels'],
    [{ channels: Number.NaN }, 'channels'],
    [{ framesPerBuffer: 0 }, 'framesPerBuffer'],
    [{ framesPerBuffer: Number.POSITIVE_INFINITY }, 'framesPerBuffer'],
  ])('%j → %s', (format, field) => {
    if (field === null) {
      expect(() => resolveFormat(format)).not.toThrow();
      return;
    }
    try {
      resolveFormat(format);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ field, code: 'ERR_MICGATE_INVALID_ARGUMENT' });
      expect((error as Error).message).toMatch(new RegExp(`^${field} must be`));
    }
  });

  test('refuses a format that is not an object', () => {
    for (const bad of [null, 48_000, 'x', [1]]) {
      expect(() => resolveFormat(bad)).toThrow(expect.objectContaining({ field: 'format' }));
    }
  });
});
