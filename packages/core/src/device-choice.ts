import { InvalidArgumentError } from './errors.js';

/** Which input a recording uses, and what it does when that input goes away. */
export interface DeviceChoice {
  /** An input's id or name; undefined follows the system default. */
  selector: string | undefined;
  onDeviceLost: 'wait' | 'end';
}

/** The device options of record(), checked (each named when refused); defaults: the system default, 'wait'. */
export function deviceChoice(options: unknown): DeviceChoice {
  if (options === undefined || options === null || typeof options !== 'object') {
    return { selector: undefined, onDeviceLost: 'wait' };
  }
  const selector = read(options, 'device');
  if (selector !== undefined && (typeof selector !== 'string' || selector.trim() === '')) {
    throw new InvalidArgumentError('device', selector, "an input's id or name (a non-blank string)");
  }
  const onDeviceLost = read(options, 'onDeviceLost') ?? 'wait';
  if (onDeviceLost !== 'wait' && onDeviceLost !== 'end') {
    throw new InvalidArgumentError('onDeviceLost', onDeviceLost, "'wait' or 'end'");
  }
  return { selector, onDeviceLost };
}

function read(options: object, name: 'device' | 'onDeviceLost'): unknown {
  try {
    return (options as Record<string, unknown>)[name];
  } catch {
    throw new InvalidArgumentError(name, undefined, 'readable (its getter threw)');
  }
}
