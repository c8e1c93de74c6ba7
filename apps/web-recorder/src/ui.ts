/**
 * The recorder UI pieces the Electron recorder's page shares with this one (import
 * `@micgate/web-recorder/ui`): the take (continuous time, gated silence included), the meter and waveform drawing, and the
 * accessible explanation dialog.
 */
export { CLIP_DB, drawMeter, drawWaveform, fillScale, fitCanvas, SCALE_DB, WARN_DB, type WaveColumn } from './draw.js';
export { createRecorderExplanation } from './explanation.js';
export { createTake, type Take, takeFileName } from './take.js';
