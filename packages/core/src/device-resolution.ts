import { firstValueFrom, type Observable } from 'rxjs';
import { DeviceNotFoundError, ErrorCode, MicgateError } from './errors.js';
import type { AudioInputDevice, RecordPermissionAdapter } from './types.js';

/** The input `selector` names in `inputs`: the one with that id, else the first with that exact name. */
export function findDevice(inputs: readonly AudioInputDevice[], selector: string): AudioInputDevice | undefined {
  return inputs.find((input) => input.id === selector) ?? inputs.find((input) => input.name === selector);
}

/** Whether `inputs` has what a recording waits for: its own input, or (following the default) a default one. */
export function isAvailable(inputs: readonly AudioInputDevice[], selector: string | undefined): boolean {
  return selector === undefined ? inputs.some((input) => input.isDefault) : findDevice(inputs, selector) !== undefined;
}

/**
 * The id to open for `selector` (an id or a name), read from the adapter's inputs now; undefined
 * follows the system default. An adapter that cannot list its inputs gets the string as the id (its
 * capture then errors DeviceNotFoundError for an unknown one). Rejects DeviceNotFoundError.
 */
export async function resolveDevice(
  adapter: RecordPermissionAdapter,
  selector: string | undefined,
  devices$: Observable<readonly AudioInputDevice[]>,
): Promise<string | undefined> {
  if (selector === undefined) return undefined;
  let inputs: unknown;
  if (adapter.supports.devices) inputs = await adapter.devices!();
  else if (adapter.supports.deviceChanges) inputs = await firstValueFrom(devices$);
  else return selector;
  if (!Array.isArray(inputs)) {
    throw new MicgateError(ErrorCode.Adapter, "the adapter's device list is not an array");
  }
  const found = findDevice(inputs as AudioInputDevice[], selector);
  if (found === undefined) throw new DeviceNotFoundError(notFoundMessage(selector, inputs as AudioInputDevice[]));
  return found.id;
}

function notFoundMessage(selector: string, inputs: readonly AudioInputDevice[]): string {
  const listed = inputs.map((input) => (input.name === undefined ? input.id : `"${input.name}" (${input.id})`));
  return `no audio input has the id or name ${JSON.stringify(selector)}; inputs now: ${listed.join(', ') || 'none'}`;
}
