import { attachRig } from '@micgate/audio-rig';
import { defineBrowserProvider } from '@vitest/browser';
import { answerMicrophonePrompt, microphonePrompts, setMicrophonePermission } from './chrome.js';
import { firefoxLaunchOptions, launchFirefox } from './firefox.js';
import { plugSecondInput, unplugSecondInput } from './second-input.js';

/** Marks the element `clickPage()` in page.ts puts up for the driver to click. */
export const CLICK_TARGET = '[data-micgate-click]';

/**
 * A Vitest browser provider for Firefox ESR over WebDriver BiDi (puppeteer-core). The stock
 * webdriverio provider needs geckodriver, which is not packaged here (npm's `geckodriver`
 * downloads it at first use). One browser for the run, one tab per Vitest session.
 * Vitest's `userEvent` is not implemented: the rig's commands give what the tests need.
 */
export function firefoxProvider() {
  return defineBrowserProvider({
    name: 'micgate-firefox',
    supportedBrowser: ['firefox'],
    providerFactory: () => new FirefoxProvider(),
  });
}

class FirefoxProvider {
  name = 'micgate-firefox';
  supportsParallelism = false;
  /** @type {Promise<import('puppeteer-core').Browser> | undefined} */
  launched;
  /** @type {Map<string, import('puppeteer-core').Page>} */
  pages = new Map();

  /** @param {string} sessionId @param {string} url */
  async openPage(sessionId, url) {
    this.launched ??= launchFirefox(firefoxLaunchOptions(process.env));
    const browser = await this.launched;
    let page = this.pages.get(sessionId);
    if (!page) {
      // The first session takes the window's blank tab; later ones get a tab of their own (a fresh
      // user activation: Firefox's sticky activation belongs to the tab's document).
      const blank = this.pages.size === 0 ? (await browser.pages())[0] : undefined;
      page = blank ?? (await browser.newPage());
      this.pages.set(sessionId, page);
    }
    await page.goto(url);
  }

  /** @param {string} sessionId */
  getCommandsContext(sessionId) {
    return { page: this.pages.get(sessionId), launched: this.launched };
  }

  async close() {
    const browser = await this.launched?.catch(() => undefined);
    this.pages.clear();
    await browser?.close();
  }
}

/**
 * @typedef {{ page: import('puppeteer-core').Page, launched: Promise<import('puppeteer-core').Browser> }} FirefoxCommandContext
 */

/** @param {FirefoxCommandContext} context */
const origin = (context) => new URL(context.page.url()).origin;
const rig = () => {
  const dir = process.env.MICGATE_RIG_DIR;
  if (!dir) throw new Error('no audio rig: the Firefox project starts one in its globalSetup');
  return attachRig(dir);
};

/** Vitest browser commands (run in Node; the page calls them through page.ts). */
export const firefoxCommands = {
  /** @param {FirefoxCommandContext} context @param {import('./chrome.js').RecordPermission} state */
  firefoxSetMicrophonePermission: async (context, state) =>
    setMicrophonePermission(await context.launched, origin(context), state),
  /**
   * @param {FirefoxCommandContext} context
   * @param {import('./chrome.js').PromptAnswer} answer
   * @param {{ remember?: boolean, timeoutMs?: number }} [options]
   */
  firefoxAnswerPrompt: async (context, answer, options) =>
    answerMicrophonePrompt(await context.launched, answer, options),
  /** @param {FirefoxCommandContext} context */
  firefoxPrompts: async (context) => microphonePrompts(await context.launched),
  /** A real click (BiDi input actions) on the page's click target, in whichever frame holds it. */
  firefoxClick: async (/** @type {FirefoxCommandContext} */ context) => {
    for (const frame of context.page.frames()) {
      const target = await frame.$(CLICK_TARGET);
      if (target) {
        await target.click();
        return;
      }
    }
    throw new Error(`no ${CLICK_TARGET} element in any frame`);
  },
  /** @param {unknown} _context @param {number} frequency @param {number} [amplitude] */
  rigSetSine: (_context, frequency, amplitude) => rig().setSine(frequency, amplitude),
  rigUnplug: () => rig().unplug(),
  rigReplug: () => rig().replug(),
  /** Plug a second, paced input in (second-input.js); resolves with what it plays once it delivers. */
  rigAddDevice: () => plugSecondInput(rig()),
  /** Unplug the second input if it is in (the harness's dispose calls it whatever the test did). */
  rigRemoveDevice: () => unplugSecondInput(rig()),
  rigSourceOutputs: () => rig().sourceOutputs(),
};
