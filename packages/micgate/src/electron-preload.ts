/**
 * `micgate/electron/preload`
 * @module micgate/electron/preload
 */
export * from '@micgate/electron/preload';
