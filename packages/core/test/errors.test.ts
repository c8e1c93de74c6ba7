import { expect, test } from 'vitest';
import {
  DeviceBusyError,
  DeviceLostError,
  DeviceNotFoundError,
  ErrorCode,
  errorFromCode,
  InvalidArgumentError,
  MicgateError,
  MicrophoneDeniedError,
  MissingUsageDescriptionError,
  PromptUnavailableError,
  SessionClosedError,
  toErrorData,
  UnsupportedFormatError,
} from '../src/index.js';

const everyError: MicgateError[] = [
  new InvalidArgumentError('sampleRate', 7, 'a finite number from 8000 to 384000'),
  new MissingUsageDescriptionError(),
  new DeviceNotFoundError('no such input'),
  new DeviceBusyError('in use'),
  new DeviceLostError('unplugged'),
  new UnsupportedFormatError('16000 Hz, not 48000'),
  new PromptUnavailableError('no terminal'),
  new MicrophoneDeniedError('policy'),
  new SessionClosedError(),
];

test('every class has its own ErrorCode constant', () => {
  expect(new Set(everyError.map((error) => error.code)).size).toBe(everyError.length);
  for (const error of everyError) expect(Object.values(ErrorCode)).toContain(error.code);
  expect(ErrorCode.DeviceBusy).toBe('ERR_MICGATE_DEVICE_BUSY');
});

test.each(everyError.map((error) => [error.code, error] as const))(
  '%s crosses a boundary as data and comes back as the same class',
  (_code, error) => {
    // Through JSON, as over IPC: only data survives.
    const data = JSON.parse(JSON.stringify(toErrorData(error)));
    const rebuilt = errorFromCode(data);
    expect(rebuilt).toBeInstanceOf(error.constructor);
    expect(rebuilt).toBeInstanceOf(MicgateError);
    expect(rebuilt.code).toBe(error.code);
    expect(rebuilt.message).toBe(error.message);
    expect(rebuilt.name).toBe(error.name);
  },
);

test('InvalidArgumentError keeps its field across the boundary', () => {
  const rebuilt = errorFromCode(toErrorData(new InvalidArgumentError('channels', 0, 'an integer from 1 to 32')));
  expect(rebuilt).toBeInstanceOf(InvalidArgumentError);
  expect(rebuilt).toMatchObject({ field: 'channels', message: 'channels must be an integer from 1 to 32; got 0' });
});

test('an unknown code stays a MicgateError with that code; a foreign error becomes ERR_MICGATE_UNKNOWN data', () => {
  const rebuilt = errorFromCode({ code: 'ERR_MICGATE_FORBIDDEN_ORIGIN', message: 'not from this origin' });
  expect(rebuilt.constructor).toBe(MicgateError);
  expect(rebuilt).toMatchObject({ code: 'ERR_MICGATE_FORBIDDEN_ORIGIN', message: 'not from this origin' });
  expect(toErrorData(new TypeError('boom'))).toEqual({ code: ErrorCode.Unknown, message: 'boom' });
  expect(toErrorData('text')).toEqual({ code: ErrorCode.Unknown, message: 'text' });
});
