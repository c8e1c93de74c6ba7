/**
 * What the Electron recorder's page shares with this one (import `@micgate/web-recorder/ui`): the
 * take (continuous time, gated silence included, saved as WAV), the level meter with its scale, and
 * the microphone picker's options.
 * Its prompt is the main process's dialog, so the page's explanation dialog is not shared.
 */
export { drawMeter, fillScale } from './draw.js';
export { createTake, type Take, takeFileName } from './take.js';
export { DEFAULT_CHOICE, type PickerOption, pickerOptions, showPickerOptions } from './device-picker.js';
export { showWayBack, type WayBackOptions } from './way-back.js';
