import { BehaviorSubject, type Observable } from 'rxjs';

/**
 * Whether capture's audio flows, for an app that must say why it hears zeros:
 * - 'idle': no capture open;
 * - 'starting': the microphone or the audio graph is opening;
 * - 'running': the microphone's audio reaches the frames;
 * - 'needs-user-gesture': the browser holds audio until the user clicks or presses a key on the
 *   page (autoplay policy: a returning visitor whose permission is remembered). Capture resumes
 *   by itself on that gesture; meanwhile a session delivers gated zeros. Show "click to start".
 */
export type CaptureState = 'idle' | 'starting' | 'running' | 'needs-user-gesture';

// The most telling state wins when several captures are open.
const RANK: Record<CaptureState, number> = { idle: 0, running: 1, starting: 2, 'needs-user-gesture': 3 };

/** The combined state of several captures: each one reports through its own `set`. */
export interface CaptureStates {
  readonly value: CaptureState;
  readonly changes: Observable<CaptureState>;
  /** A reporter for one capture; it counts until it reports 'idle'. */
  track(): (state: CaptureState) => void;
}

export function createCaptureStates(): CaptureStates {
  const open = new Map<symbol, CaptureState>();
  const combined = new BehaviorSubject<CaptureState>('idle');
  const update = () => {
    let next: CaptureState = 'idle';
    for (const state of open.values()) if (RANK[state] > RANK[next]) next = state;
    if (next !== combined.value) combined.next(next);
  };
  return {
    get value() {
      return combined.value;
    },
    changes: combined.asObservable(),
    track() {
      const id = Symbol('capture');
      return (state) => {
        if (state === 'idle') open.delete(id);
        else open.set(id, state);
        update();
      };
    },
  };
}
