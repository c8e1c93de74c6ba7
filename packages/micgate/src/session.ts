import {
  type AudioSession,
  createAudioSession as createCoreSession,
  InvalidArgumentError,
  type RecordPermissionAdapter,
} from '@micgate/core';
import type { MicgateSession, MicgateSessionOptions } from './options.js';

/**
 * Core's session over `options.adapter`, or over the runtime's adapter made by `createDefault`.
 * An adapter micgate made is micgate's to close: closing the session closes it too.
 */
export function createSessionWith(
  options: MicgateSessionOptions,
  createDefault: (options: MicgateSessionOptions) => RecordPermissionAdapter,
): MicgateSession {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('options', options, 'an object');
  const { adapter: given, appId: _appId, device: _device, ...sessionOptions } = options;
  const owned = given === undefined;
  const adapter = given ?? createDefault(options);
  let session: AudioSession;
  try {
    session = createCoreSession({ ...sessionOptions, adapter });
  } catch (error) {
    if (owned) closeAdapter(adapter);
    throw error;
  }
  return {
    adapter,
    get recordPermission() {
      return session.recordPermission;
    },
    get recordPermission$() {
      return session.recordPermission$;
    },
    requestRecordPermission: session.requestRecordPermission,
    record: (options) => session.record(options),
    get devices$() {
      return session.devices$;
    },
    get silence() {
      return session.silence;
    },
    get silence$() {
      return session.silence$;
    },
    get inputMuted() {
      return session.inputMuted;
    },
    get inputMuted$() {
      return session.inputMuted$;
    },
    setInputMuted: (muted) => session.setInputMuted(muted),
    get recovery() {
      return session.recovery;
    },
    close() {
      session.close();
      if (owned) closeAdapter(adapter);
    },
  };
}

function closeAdapter(adapter: RecordPermissionAdapter): void {
  adapter.close?.();
}

/** For runtimes that need it: the option named, with why. */
export function requireAppId(options: MicgateSessionOptions, runtime: string): string {
  const { appId } = options;
  if (typeof appId !== 'string' || appId.trim() === '') {
    throw new InvalidArgumentError(
      'appId',
      appId,
      `a non-blank id on ${runtime}: it keys the remembered decision (\`micgate grant <appId>\`); or pass \`adapter\``,
    );
  }
  return appId;
}

export function checkDevice(options: MicgateSessionOptions): string | undefined {
  const { device } = options;
  if (device !== undefined && (typeof device !== 'string' || device.trim() === '')) {
    throw new InvalidArgumentError('device', device, 'a non-blank string');
  }
  return device;
}
