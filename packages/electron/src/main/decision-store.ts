import type { RecordPermission } from '@micgate/core';

/**
 * Where the broker keeps the user's answer to its dialog. `load` is synchronous on purpose: the
 * broker must install its permission handlers at once (until they exist Electron approves every
 * request) and its check handler must answer from memory.
 */
export interface DecisionStore {
  load(): RecordPermission;
  /** Resolves once the decision is durable. */
  save(decision: RecordPermission): Promise<void>;
}

/** A store in memory only: for tests and for apps that want no persistence. */
export function memoryDecisionStore(
  initial: RecordPermission = 'undetermined',
): DecisionStore & { saved: RecordPermission } {
  const store = {
    saved: initial,
    load: () => store.saved,
    save: async (decision: RecordPermission) => {
      store.saved = decision;
    },
  };
  return store;
}
