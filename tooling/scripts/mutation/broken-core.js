// @micgate/core with createAudioSession replaced by a session that breaks one rule of R1–R14
// (chosen by MICGATE_RULE_MUTANT). tooling/scripts/mutation-rules.mjs runs the conformance suite on
// the mock against each one and expects the suite to fail. Every break is written against the
// public contract only (AudioSession, AudioSessionOptions, RecordPermissionAdapter), so no change
// inside core can make one stop applying.
import * as core from '@micgate/core';
import { defer, filter, map, Observable, skip, switchMap, take } from 'rxjs';

export * from '@micgate/core';

const noop = () => {};

/**
 * A session that behaves like `session` except for the members in `overrides` (getters included).
 * @param {import('@micgate/core').AudioSession} session
 * @param {object} overrides
 */
function override(session, overrides) {
  return new Proxy(session, {
    get(target, key) {
      const own = Object.getOwnPropertyDescriptor(overrides, key);
      if (own) return own.get ? own.get.call(overrides) : own.value;
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Calls the response, or resolves the promise, with what `answer()` gives: both request forms. */
function answering(answer) {
  return (arg) => {
    const result = answer(typeof arg === 'object' && arg !== null ? arg : undefined);
    if (typeof arg !== 'function') return result;
    result.then(
      (granted) => arg(granted),
      (error) => arg(false, error),
    );
    return undefined;
  };
}

/** The adapter's prompt as the session would show it. */
function promptOf(options) {
  const { adapter, usageDescription, appName } = options;
  return () =>
    adapter
      .prompt(appName === undefined ? { usageDescription } : { usageDescription, appName })
      .then((answer) => answer === 'granted');
}

/** An adapter whose device stays open after its stream is unsubscribed, until `release()`. */
function holdingDevices(adapter) {
  const held = new Set();
  const wrapped = new Proxy(adapter, {
    get(target, key) {
      if (key === 'capture') {
        return (format) =>
          new Observable((subscriber) => {
            // A plain observer: handing over `subscriber` would tie the device to its unsubscribe.
            const device = target.capture(format).subscribe({
              next: (frame) => subscriber.next(frame),
              error: (error) => subscriber.error(error),
              complete: () => subscriber.complete(),
            });
            held.add(device);
            return noop;
          });
      }
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const release = () => {
    for (const device of held) device.unsubscribe();
    held.clear();
  };
  return { adapter: wrapped, release };
}

/** @type {Record<string, (options: import('@micgate/core').AudioSessionOptions) => import('@micgate/core').AudioSession>} */
export const mutants = {
  'R1 reading recordPermission prompts'(options) {
    const session = core.createAudioSession(options);
    return override(session, {
      get recordPermission() {
        session.requestRecordPermission().catch(noop);
        return session.recordPermission;
      },
    });
  },
  'R2 the response runs synchronously when the answer is known'(options) {
    const session = core.createAudioSession(options);
    return override(session, {
      requestRecordPermission(arg) {
        const known = session.recordPermission;
        if (typeof arg === 'function' && known !== 'undetermined') {
          arg(known === 'granted');
          return undefined;
        }
        return session.requestRecordPermission(arg);
      },
    });
  },
  'R2 the response runs twice'(options) {
    const session = core.createAudioSession(options);
    return override(session, {
      requestRecordPermission(arg) {
        if (typeof arg !== 'function') return session.requestRecordPermission(arg);
        return session.requestRecordPermission((...answer) => {
          arg(...answer);
          arg(...answer);
        });
      },
    });
  },
  'R3 a decided request prompts again'(options) {
    const session = core.createAudioSession(options);
    const prompt = promptOf(options);
    return override(session, {
      requestRecordPermission: answering((request) =>
        session.recordPermission === 'undetermined' ? session.requestRecordPermission(request) : prompt(),
      ),
    });
  },
  'R4 a request made while the prompt is open prompts again'(options) {
    const session = core.createAudioSession(options);
    const prompt = promptOf(options);
    let open;
    return override(session, {
      requestRecordPermission: answering((request) => {
        if (open) return open.then(prompt, prompt);
        open = session.requestRecordPermission(request).finally(() => {
          open = undefined;
        });
        return open;
      }),
    });
  },
  'R5 the remembered decision is never read'(options) {
    const session = core.createAudioSession(options);
    const prompt = promptOf(options);
    let answered;
    return override(session, {
      get recordPermission() {
        return answered === undefined ? 'undetermined' : session.recordPermission;
      },
      requestRecordPermission: answering(() => {
        answered ??= prompt();
        return answered;
      }),
    });
  },
  'R6 a change made outside the app is ignored after a denial'(options) {
    const session = core.createAudioSession(options);
    let denied = false;
    const seen = session.recordPermission$.subscribe((state) => {
      if (state === 'denied') denied = true;
    });
    const gate = (frame) =>
      denied ? { ...frame, gated: true, samples: new Float32Array(frame.samples.length) } : frame;
    return override(session, {
      get recordPermission() {
        return denied ? 'denied' : session.recordPermission;
      },
      recordPermission$: session.recordPermission$.pipe(map((state) => (denied ? 'denied' : state))),
      record: (format) => session.record(format).pipe(map(gate)),
      close() {
        seen.unsubscribe();
        session.close();
      },
    });
  },
  'R7 frames arrive at half the real-time pace'(options) {
    const session = core.createAudioSession(options);
    return override(session, {
      record: (format) => session.record(format).pipe(filter((_frame, index) => index % 2 === 0)),
    });
  },
  'R7 the first frames come late'(options) {
    const session = core.createAudioSession(options);
    return override(session, { record: (format) => session.record(format).pipe(skip(3)) });
  },
  'R8 recording waits for a decision instead of asking'(options) {
    const session = core.createAudioSession(options);
    return override(session, {
      record: (format) => {
        const stream = session.record(format);
        return session.recordPermission$.pipe(
          filter((state) => state !== 'undetermined'),
          take(1),
          switchMap(() => stream),
        );
      },
    });
  },
  'R9 the device stays open after a revoke'(options) {
    const { adapter, release } = holdingDevices(options.adapter);
    const session = core.createAudioSession({ ...options, adapter });
    return override(session, {
      close() {
        session.close();
        release();
      },
    });
  },
  'R10 a missing purpose string is accepted'(options) {
    const { usageDescription } = options;
    const blank =
      usageDescription === undefined || (typeof usageDescription === 'string' && usageDescription.trim() === '');
    return core.createAudioSession(blank ? { ...options, usageDescription: 'mutant purpose' } : options);
  },
  'R11 every subscriber opens its own device'(options) {
    const session = core.createAudioSession(options);
    const extra = new Set();
    return override(session, {
      record: (format) =>
        defer(() => {
          const own = core.createAudioSession(options);
          extra.add(own);
          return own.record(format);
        }),
      close() {
        session.close();
        for (const own of extra) own.close();
      },
    });
  },
  'R11 close() leaves recordings and requests running'(options) {
    const session = core.createAudioSession(options);
    return override(session, { close: noop });
  },
  'R12 a bad format is replaced by the default'(options) {
    const session = core.createAudioSession(options);
    return override(session, {
      record(format) {
        try {
          return session.record(format);
        } catch {
          return session.record();
        }
      },
    });
  },
  'R13 an exception from the response escapes'(options) {
    const session = core.createAudioSession(options);
    return override(session, {
      requestRecordPermission(arg) {
        if (typeof arg !== 'function') return session.requestRecordPermission(arg);
        session.requestRecordPermission().then(
          (granted) => arg(granted),
          (error) => arg(false, error),
        );
        return undefined;
      },
    });
  },
  'R13 an exception from an observer escapes'(options) {
    const session = core.createAudioSession(options);
    return override(session, {
      record: (format) => {
        const stream = session.record(format);
        return new Observable((subscriber) => stream.subscribe(subscriber));
      },
    });
  },
  'R14 the abort signal is ignored'(options) {
    const session = core.createAudioSession(options);
    return override(session, {
      requestRecordPermission: answering(() => session.requestRecordPermission()),
    });
  },
};

const chosen = process.env.MICGATE_RULE_MUTANT;
const mutant = chosen ? mutants[chosen] : undefined;
if (chosen && !mutant) throw new Error(`MICGATE_RULE_MUTANT: no mutant named "${chosen}"`);

/** @type {typeof core.createAudioSession} */
export const createAudioSession = mutant ?? core.createAudioSession;
