import { InvalidArgumentError } from '@micgate/core';

/**
 * App ids key the store and are typed on the command line: 1–200 characters of letters,
 * digits and `. _ - @ / +`, not starting with `-` (it would read as a flag).
 */
const APP_ID = /^[A-Za-z0-9._@/+][A-Za-z0-9._@/+-]{0,199}$/;

export function isAppId(value: unknown): value is string {
  return typeof value === 'string' && APP_ID.test(value);
}

export function assertAppId(value: unknown, field = 'appId'): asserts value is string {
  if (!isAppId(value)) {
    throw new InvalidArgumentError(
      field,
      value,
      'an app id of 1–200 letters, digits or . _ - @ / + (not starting with -), such as "com.example.recorder"',
    );
  }
}
