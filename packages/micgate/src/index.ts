/**
 * `micgate`: `@micgate/core` plus `createAudioSession` choosing the adapter for the runtime.
 * @module micgate
 */
import { InvalidArgumentError } from '@micgate/core';
import type { CreateMicgateSession } from './options.js';
import { createSessionWith } from './session.js';

export * from './shared.js';

/**
 * Runtimes that are neither a browser nor Node.js, Bun or Deno (the `default` export condition):
 * no adapter is known there, so `adapter` is required.
 */
export const createAudioSession: CreateMicgateSession = (options) =>
  createSessionWith(options, () => {
    throw new InvalidArgumentError(
      'adapter',
      undefined,
      'given on this runtime (it matched none of the browser, node, bun or deno export conditions)',
    );
  });
