import type { AudioSession, AudioSessionOptions, RecordPermissionAdapter } from '@micgate/core';

/** `createAudioSession` from `micgate`: core's options, with the adapter chosen for the runtime unless given. */
export interface MicgateSessionOptions extends Omit<AudioSessionOptions, 'adapter'> {
  /** Use this adapter instead of the one for the runtime. The app owns it: the session does not close it. */
  adapter?: RecordPermissionAdapter;
  /**
   * Node.js, Bun and Deno: required (unless `adapter` is given). Keys the remembered decision,
   * as a bundle id does on Apple platforms (`micgate grant <appId>`). Ignored in browsers.
   */
  appId?: string;
  /** Record from this input instead of the default one (a PortAudio id or name on Node, a `deviceId` in browsers). */
  device?: string;
}

/** A session from `micgate`. */
export interface MicgateSession extends AudioSession {
  /** The adapter in use: `adapter.name` says which one was chosen. */
  readonly adapter: RecordPermissionAdapter;
}

export type CreateMicgateSession = (options: MicgateSessionOptions) => MicgateSession;
