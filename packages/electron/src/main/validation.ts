import { ErrorCode, InvalidArgumentError, isBlankUsageDescription, MissingUsageDescriptionError } from '@micgate/core';
import type { MicrophoneBrokerOptions } from './broker.js';

/** The longest purpose string a renderer may ask the main process to show. */
export const MAX_USAGE_DESCRIPTION_LENGTH = 2000;
const MAX_APP_NAME_LENGTH = 200;

/** The broker's options, checked before anything is installed; refusals name the field. */
export function checkBrokerOptions(options: MicrophoneBrokerOptions): void {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const needs = (field: keyof MicrophoneBrokerOptions, methods: string[]) => {
    const value = options[field] as Record<string, unknown> | undefined;
    if (value === null || typeof value !== 'object' || methods.some((method) => typeof value[method] !== 'function')) {
      throw new InvalidArgumentError(field, value, `an object with ${methods.join(', ')}`);
    }
  };
  needs('session', ['setPermissionRequestHandler', 'setPermissionCheckHandler']);
  needs('ipcMain', ['handle', 'removeHandler']);
  needs('dialog', ['showMessageBox']);
  needs('store', ['load', 'save']);
  if (typeof options.os !== 'string' || options.os === '') {
    throw new InvalidArgumentError('os', options.os, 'an operating system name as process.platform gives it');
  }
  if (options.os === 'darwin') needs('systemPreferences', ['askForMediaAccess', 'getMediaAccessStatus']);
  if (typeof options.usageDescription !== 'string') {
    throw new InvalidArgumentError('usageDescription', options.usageDescription, 'a string');
  }
  if (isBlankUsageDescription(options.usageDescription)) throw new MissingUsageDescriptionError();
  if (options.appName !== undefined && typeof options.appName !== 'string') {
    throw new InvalidArgumentError('appName', options.appName, 'a string');
  }
  if (options.shell !== undefined) needs('shell', ['openExternal']);
  if (options.openAppSettings !== undefined && typeof options.openAppSettings !== 'function') {
    throw new InvalidArgumentError('openAppSettings', options.openAppSettings, 'a function');
  }
  if (options.dialogParent !== undefined && typeof options.dialogParent !== 'function') {
    throw new InvalidArgumentError('dialogParent', options.dialogParent, 'a function');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new InvalidArgumentError('onError', options.onError, 'a function');
  }
}

export type CheckedRequest =
  | { ok: true; usageDescription: string; appName?: string }
  | { ok: false; code: string; message: string; field: string; expected: string };

/** A renderer's request is data from another process: check its shape before showing any of it. */
export function checkBridgeRequest(payload: unknown): CheckedRequest {
  const refuse = (field: string, expected: string): CheckedRequest => ({
    ok: false,
    code: ErrorCode.InvalidArgument,
    message: `${field} must be ${expected}`,
    field,
    expected,
  });
  if (payload === null || typeof payload !== 'object') return refuse('request', 'an object with usageDescription');
  const { usageDescription, appName } = payload as Record<string, unknown>;
  if (typeof usageDescription !== 'string') return refuse('usageDescription', 'a string');
  if (isBlankUsageDescription(usageDescription)) {
    const missing = new MissingUsageDescriptionError();
    return {
      ok: false,
      code: missing.code,
      message: missing.message,
      field: 'usageDescription',
      expected: 'a non-blank string',
    };
  }
  if (usageDescription.length > MAX_USAGE_DESCRIPTION_LENGTH) {
    return refuse('usageDescription', `at most ${MAX_USAGE_DESCRIPTION_LENGTH} characters`);
  }
  if (appName !== undefined && (typeof appName !== 'string' || appName.length > MAX_APP_NAME_LENGTH)) {
    return refuse('appName', `a string of at most ${MAX_APP_NAME_LENGTH} characters`);
  }
  return appName === undefined ? { ok: true, usageDescription } : { ok: true, usageDescription, appName };
}
