/**
 * `micgate/browser`
 * @module micgate/browser
 */
// The browser adapter, for apps that configure it themselves (`adapter` option).
export * from '@micgate/browser';
