// The person in front of WebKit: answers its microphone prompt and changes the site's decision,
// through the embedding host. Node side; the page reaches it through Vitest commands.

/** @typedef {'undetermined' | 'denied' | 'granted'} RecordPermission */

/**
 * @param {import("./index.js").WebKitHost} host
 */
export function createPlayedUser(host) {
  /** @type {{ answer: 'grant' | 'deny', delayMs: number }[]} */
  let queued = [];
  /** @type {string[]} */
  let shown = [];
  let held = 0;
  /** @type {string | undefined} */
  let explained;
  /** @type {Set<ReturnType<typeof setTimeout>>} */
  const timers = new Set();

  /** @param {'grant' | 'deny'} answer @param {number} delayMs */
  function respond(answer, delayMs) {
    held--;
    const timer = setTimeout(() => {
      timers.delete(timer);
      // A browser that remembers the answer for the site, as Safari's "Allow"/"Deny" setting does:
      // later requests are answered by the setting, with no prompt.
      host
        .setQueryState(answer === 'grant' ? 'granted' : 'denied')
        .then(() => host.setPolicy(answer === 'grant' ? 'allow' : 'deny'))
        .then(() => host.answer(answer === 'grant' ? 'allow' : 'deny'))
        .catch(() => undefined);
    }, delayMs);
    timers.add(timer);
  }

  /**
   * Resolves once the page's document says `wanted` (checked every 20 ms, for up to 3 s).
   * @param {DocumentVisibilityState} wanted
   */
  async function pageVisibility(wanted) {
    for (let waited = 0; waited < 3000; waited += 20) {
      if ((await host.script('return document.visibilityState')) === wanted) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`the page did not become ${wanted} within 3 s`);
  }

  /** @param {RecordPermission} decision */
  async function decide(decision) {
    if (decision === 'granted') {
      await host.setPolicy('allow');
      await host.setQueryState('granted');
    } else if (decision === 'denied') {
      await host.setCaptureState('none');
      await host.setPolicy('deny');
      await host.setQueryState('denied');
    } else {
      await host.setCaptureState('none');
      await host.setPolicy('pending');
      await host.setQueryState('prompt');
    }
  }

  host.onEvent((event) => {
    if (event.event !== 'permission-request') return;
    if (!event.held) return; // answered by the site's setting, as a browser does once decided: no prompt
    shown.push(explained ?? '');
    explained = undefined;
    held++;
    const next = queued.shift();
    if (next) respond(next.answer, next.delayMs);
  });

  return {
    /** Back to a site nobody decided for: prompts held open, queries say prompt. */
    async reset() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      while (held > 0) {
        held--;
        await host.answer('deny').catch(() => undefined);
      }
      queued = [];
      shown = [];
      explained = undefined;
      await host.setCaptureState('none');
      await host.setPolicy('pending');
      await host.setQueryState('prompt');
    },
    /** @param {'grant' | 'deny'} answer @param {number} [delayMs] */
    answerNextPrompt(answer, delayMs = 0) {
      if (held > 0) respond(answer, delayMs);
      else queued.push({ answer, delayMs });
    },
    /** @param {string} text the purpose the page explained just before asking */
    explained(text) {
      explained = text;
    },
    prompts: () => [...shown],
    pending: () => held,
    /**
     * The site's microphone setting changes (the user, in the browser's settings). Denying it also
     * stops the sharing that is going on (WebKit's capture-state NONE: the tracks end).
     * @param {RecordPermission} decision
     */
    decide,
    /**
     * The user changes the site's microphone setting in the browser: the page is hidden while they
     * do (another window is in front), and visible again when they come back.
     * @param {RecordPermission} decision
     */
    async decideOutsideApp(decision) {
      await host.hide();
      // Unmapping takes effect later than hide() answers: a page shown again before it saw itself
      // hidden gets no visibilitychange, so nothing would tell it to look at the setting again.
      await pageVisibility('hidden');
      await decide(decision);
      // Not waited for once shown: a host script is a user action, and the page may be asking
      // for the microphone right then (a gesture there would hide WebKit's refusal without one).
      await host.show();
    },
  };
}
