/**
 * `micgate/electron/renderer`
 * @module micgate/electron/renderer
 */
export * from '@micgate/electron/renderer';
