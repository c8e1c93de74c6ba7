/**
 * `micgate/node`
 * @module micgate/node
 */
// The Node adapter and its store, for apps that configure it themselves (`adapter` option).
export * from '@micgate/node';
