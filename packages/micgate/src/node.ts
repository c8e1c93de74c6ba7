import { createNodeAdapter } from '@micgate/node';
import type { CreateMicgateSession } from './options.js';
import { checkDevice, createSessionWith, requireAppId } from './session.js';

export * from './shared.js';

/**
 * Node.js, Bun and Deno (export conditions `node`, `bun`, `deno`): the Node adapter, made when the
 * session is. Its native addon loads on the first capture or device list, not here.
 */
export const createAudioSession: CreateMicgateSession = (options) =>
  createSessionWith(options, (given) => {
    const appId = requireAppId(given, 'Node.js, Bun and Deno');
    const device = checkDevice(given);
    return createNodeAdapter({ appId, ...(device === undefined ? {} : { device }) });
  });
