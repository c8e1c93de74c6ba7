// Imported, not the global: Node loads the global `performance` on first use (~2 ms), which was
// the moment of the grant (offerScan).
import { performance } from 'node:perf_hooks';
import { type InputEntry, scanInputs } from './devices.js';
import { serverEvents } from './sound-server.js';

export interface ScanAhead {
  /** The latest scan, current as far as the sound server announced; later changes are no longer taken (call `stop()` to end the watch). */
  take(): Promise<InputEntry[]> | undefined;
  /** Stop watching, nothing taken. */
  stop(): void;
}

/**
 * The inputs, scanned while the permission prompt is open and again on every change the sound
 * server announces (`pactl subscribe`), so that a grant opens the device without first waiting
 * for a scan (two `pactl` runs: 20–60 ms on the rig). Opens nothing. Without a sound server to
 * announce changes there is nothing to take: the open scans as usual. Keeps the process alive
 * no more than serverEvents() does (not at all).
 */
export function scanAhead(timeoutSeconds: number): ScanAhead {
  let latest: Promise<InputEntry[]> | undefined;
  let watching = true;
  const rescan = () => {
    latest = scanInputs(timeoutSeconds);
    latest.catch(() => {}); // whoever takes it sees the failure; a scan nobody takes must not be unhandled
  };
  const events = serverEvents().subscribe({
    // Once taken, nobody takes a newer scan: spawn nothing more.
    next: () => {
      if (watching) rescan();
    },
    // No `pactl subscribe` (no sound server, or it went away): nothing tells us the scan is current.
    error: () => {
      watching = false;
      latest = undefined;
    },
  });
  rescan();
  const stop = () => {
    watching = false;
    events.unsubscribe();
  };
  return {
    take() {
      const scan = watching ? latest : undefined;
      watching = false;
      return scan;
    },
    stop,
  };
}

let offered: { scan: Promise<InputEntry[]>; at: number } | undefined;

/** How long an offered scan stays usable: the session opens the device right after the prompt resolves. */
const OFFER_MS = 1_000;

/** Hand a current scan to the next open (the adapter does, at a grant). */
export function offerScan(scan: Promise<InputEntry[]> | undefined): void {
  offered = scan === undefined ? undefined : { scan, at: performance.now() };
}

/** The scan offered for this open, if one is recent; each is used once. A failed one falls back to a new scan. */
export function takeOfferedScan(timeoutSeconds: number): Promise<InputEntry[]> | undefined {
  const offer = offered;
  offered = undefined;
  if (offer === undefined || performance.now() - offer.at > OFFER_MS) return undefined;
  return offer.scan.catch(() => scanInputs(timeoutSeconds));
}
