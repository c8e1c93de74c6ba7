/**
 * `micgate/conformance`
 * @module micgate/conformance
 */
export * from '@micgate/conformance';
