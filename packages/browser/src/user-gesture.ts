import type { CaptureState } from './capture-state.js';

/** Input events that give a page user activation (HTML's activation-triggering events). */
const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;
const LISTENER_OPTIONS = { capture: true, passive: true } as const;

interface AutoplayNavigator {
  getAutoplayPolicy?(context: AudioContext): 'allowed' | 'allowed-muted' | 'disallowed';
  userActivation?: { readonly isActive: boolean };
}

/**
 * Whether a suspended context waits for a user gesture. Firefox answers through
 * `getAutoplayPolicy`; elsewhere a context that is suspended outside a gesture is taken to wait
 * for one (Chromium starts an allowed context 'running' at once; Safari wants the gesture itself).
 */
function heldByAutoplay(context: AudioContext): boolean {
  const nav = globalThis.navigator as AutoplayNavigator | undefined;
  const policy = nav?.getAutoplayPolicy?.(context);
  if (policy !== undefined) return policy !== 'allowed';
  return !(nav?.userActivation?.isActive ?? false);
}

/**
 * Keeps `context` running. Browsers refuse to start audio before the page has had a user gesture
 * (Chromium's autoplay policy: a returning visitor whose permission is remembered gets a
 * suspended context and a resume() that never settles). While it is held, `report` hears
 * 'needs-user-gesture' and the next pointerdown, keydown or touchend on `target` resumes it from
 * inside the gesture; the listeners go as soon as the context runs, or when the returned stop
 * function is called.
 */
export function keepRunning(
  context: AudioContext,
  target: EventTarget | null | undefined,
  report: (state: Exclude<CaptureState, 'idle'>) => void,
): () => void {
  let armed = false;
  const resume = () => {
    context.resume().catch(() => undefined); // it settles when the context starts, or never
  };
  const disarm = () => {
    if (!armed) return;
    armed = false;
    for (const type of GESTURES) target?.removeEventListener(type, resume, LISTENER_OPTIONS);
  };
  const check = () => {
    if (context.state === 'closed') return disarm();
    if (context.state === 'running') {
      disarm();
      return report('running');
    }
    resume();
    if (!armed && target) {
      armed = true;
      for (const type of GESTURES) target.addEventListener(type, resume, LISTENER_OPTIONS);
    }
    report(heldByAutoplay(context) ? 'needs-user-gesture' : 'starting');
  };
  context.addEventListener('statechange', check);
  check();
  return () => {
    context.removeEventListener('statechange', check);
    disarm();
  };
}

/**
 * Runs `run` from inside the next pointerdown, keydown or touchend on `target` (so it carries the
 * user's activation), once. The returned function stops waiting.
 */
export function onNextGesture(target: EventTarget, run: () => void): () => void {
  const handle = () => {
    stop();
    run();
  };
  const stop = () => {
    for (const type of GESTURES) target.removeEventListener(type, handle, LISTENER_OPTIONS);
  };
  for (const type of GESTURES) target.addEventListener(type, handle, LISTENER_OPTIONS);
  return stop;
}
