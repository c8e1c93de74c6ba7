import type { AudioInputDevice } from '@micgate/core';

/** The picker's first option: no device named, so the recording follows the system default. */
export const DEFAULT_CHOICE = '';

export interface PickerOption {
  value: string;
  text: string;
}

/**
 * The options of a microphone picker for `devices` (session.devices$'s latest list) with
 * `chosen` selected ('' = the default). Browsers hide names until the microphone is allowed
 * (`name` undefined): then there is only "Default microphone". Chromium's own 'default' entry is
 * that same choice, so it is not listed twice. A chosen input that is gone stays, marked
 * "disconnected" (under `chosenName`, its name when it was last listed), so the picker still
 * says what the recording waits for.
 */
export function pickerOptions(
  devices: readonly AudioInputDevice[],
  chosen: string,
  chosenName?: string,
): PickerOption[] {
  const options: PickerOption[] = [{ value: DEFAULT_CHOICE, text: 'Default microphone' }];
  let unnamed = 0;
  for (const device of devices) {
    if (device.id === 'default') continue;
    unnamed += device.name === undefined ? 1 : 0;
    options.push({ value: device.id, text: device.name ?? `Microphone ${unnamed}` });
  }
  if (chosen !== DEFAULT_CHOICE && !options.some((option) => option.value === chosen)) {
    options.push({ value: chosen, text: `${chosenName ?? 'Chosen microphone'} (disconnected)` });
  }
  return options;
}

/** Fill `select` with the options, keeping `chosen` selected; untouched when nothing changed. */
export function showPickerOptions(select: HTMLSelectElement, options: readonly PickerOption[], chosen: string): void {
  const same =
    select.options.length === options.length &&
    options.every((option, i) => select.options[i]!.value === option.value && select.options[i]!.text === option.text);
  if (!same) {
    select.replaceChildren(...options.map((option) => new Option(option.text, option.value)));
  }
  select.value = chosen;
}
