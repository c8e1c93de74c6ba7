import type { RecordPermission } from '@micgate/core';
import { Subject } from 'rxjs';

export type DecisionSource = 'prompt' | 'settings';

export interface DecisionChange {
  appId: string;
  decision: RecordPermission;
  source: DecisionSource;
}

/**
 * Where the mock platform remembers decisions: the equivalent of the OS's privacy database.
 * Share one between adapters to play a relaunch (R5).
 */
export class MockDecisionStore {
  private readonly decisions = new Map<string, RecordPermission>();
  private readonly changed = new Subject<DecisionChange>();
  readonly changes$ = this.changed.asObservable();

  get(appId: string): RecordPermission {
    return this.decisions.get(appId) ?? 'undetermined';
  }

  set(appId: string, decision: RecordPermission, source: DecisionSource): void {
    if (decision === 'undetermined') this.decisions.delete(appId);
    else this.decisions.set(appId, decision);
    this.changed.next({ appId, decision, source });
  }
}
