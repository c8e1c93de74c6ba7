/**
 * `micgate/electron/main`
 * @module micgate/electron/main
 */
export * from '@micgate/electron/main';
