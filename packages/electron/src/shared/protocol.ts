import { type DeniedRecovery, isDeniedRecovery, isRecordPermission, type RecordPermission } from '@micgate/core';

/**
 * The fixed IPC channels between the preload bridge and the main-process broker. Nothing else
 * crosses: the renderer can read the status, ask, and hear changes.
 */
export const CHANNELS = Object.freeze({
  status: 'micgate:microphone:status',
  request: 'micgate:microphone:request',
  subscribe: 'micgate:microphone:subscribe',
  unsubscribe: 'micgate:microphone:unsubscribe',
  changed: 'micgate:microphone:changed',
  openSettings: 'micgate:microphone:open-settings',
} as const);

/** What the renderer asks the main process to show. */
export interface BridgeRequest {
  usageDescription: string;
  appName?: string;
}

/** The permission, and why when the reason lies outside the app (e.g. macOS privacy settings). */
export interface PermissionState {
  permission: RecordPermission;
  reason?: string;
  /** While denied: the way back (the OS privacy pane, or the app's own setting). */
  recovery?: DeniedRecovery;
}

/**
 * Errors cross IPC as data (thrown errors lose their class, code and fields on the way); the
 * renderer rebuilds the error from `code`, with `field` for an InvalidArgumentError.
 */
export type BridgeResult = ({ ok: true } & PermissionState) | BridgeFailure;
export interface BridgeFailure {
  ok: false;
  code: string;
  message: string;
  field?: string;
}

/** The surface the preload exposes to the page (`window.micgate` by default). */
export interface MicrophoneBridge {
  status(): Promise<BridgeResult>;
  request(request: BridgeRequest): Promise<BridgeResult>;
  /** Calls `listener` with every change of the permission; returns the unsubscribe function. */
  onChange(listener: (state: PermissionState) => void): () => void;
  /**
   * Open where the user undoes a denial: the OS privacy pane or the app's own setting, as the
   * main process decides (the page passes nothing). Optional: a bridge from an older preload lacks it.
   */
  openSettings?(): Promise<BridgeResult>;
}

/** The bridge's own codes; every other failure carries core's `ErrorCode`. */
export const ERROR_CODES = Object.freeze({
  /** The frame asking is not one of the app's own origins. */
  forbiddenOrigin: 'ERR_MICGATE_FORBIDDEN_ORIGIN',
  /** The broker's answer had the wrong shape. */
  bridge: 'ERR_MICGATE_BRIDGE',
} as const);

/** Checks a state that arrived over IPC (never trust the other side's shape). */
export function isPermissionState(value: unknown): value is PermissionState {
  if (value === null || typeof value !== 'object') return false;
  const { permission, reason, recovery } = value as Partial<PermissionState>;
  return (
    isRecordPermission(permission) &&
    (reason === undefined || typeof reason === 'string') &&
    (recovery === undefined || isDeniedRecovery(recovery))
  );
}

/** A state received over IPC, rebuilt from its known fields only (nothing else the other side sent survives). */
export function copyPermissionState(state: PermissionState): PermissionState {
  const { permission, reason, recovery } = state;
  return {
    permission,
    ...(reason === undefined ? {} : { reason }),
    ...(recovery === undefined ? {} : { recovery: copyRecovery(recovery) }),
  };
}

function copyRecovery(recovery: DeniedRecovery): DeniedRecovery {
  const { target, platform, summary, steps, command, url, address, appliesWithoutReload } = recovery;
  return {
    target,
    platform,
    summary,
    steps: [...steps],
    ...(command === undefined ? {} : { command }),
    ...(url === undefined ? {} : { url }),
    ...(address === undefined ? {} : { address }),
    appliesWithoutReload,
  };
}
