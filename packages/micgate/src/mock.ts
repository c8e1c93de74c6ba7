/**
 * `micgate/mock`
 * @module micgate/mock
 */
export * from '@micgate/mock';
