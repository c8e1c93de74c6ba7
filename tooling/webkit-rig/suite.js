// Node side of the WebKit suite runner: the audio rig, Xvfb, the embedding host and a page built
// with Vite whose 'vitest' is page/vitest-shim.ts. The page asks for each test to run and sends its
// outcome back over same-origin fetches (page/rig.ts); the rig's commands are answered here.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRig } from '@micgate/audio-rig';
import { build, preview } from 'vite';
import { createPlayedUser } from './played-user.js';
import { exposeRigSource, launchHost, startXvfb, unloadRemap } from './webkit.js';

/** The second input addDevice() plugs in: PulseAudio's sine source (audio-rig's addSource; WebKit lists it). */
const SECOND = { name: 'micgate_second', description: 'SecondMic', frequency: 1_000, amplitude: 0.5 };
/** MICGATE_WEBKIT_DEBUG=1 prints every rig command and host event. */
const debug = process.env.MICGATE_WEBKIT_DEBUG === '1';
const SHIM = fileURLToPath(new URL('./page/vitest-shim.ts', import.meta.url));

/** @typedef {{ state: 'passed', ms: number } | { state: 'skipped', reason: string, ms: number } | { state: 'failed', error: string, ms: number }} TestOutcome */

/** @param {import('node:http').IncomingMessage} request */
async function bodyOf(request) {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text === '' ? [] : JSON.parse(text);
}

/**
 * Build the page in `root` (an index.html whose script registers the tests and calls serveTests()),
 * start everything, load it, and wait for its list of tests.
 * @param {{ root: string, listTimeoutMs?: number }} options
 */
export async function startWebKitSuite(options) {
  /** @type {(() => Promise<unknown>)[]} */
  const cleanups = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const rig = await startRig({ frequency: 440, amplitude: 0.5 });
    cleanups.push(() => rig.stop());
    await exposeRigSource(rig.env);
    const xvfb = await startXvfb();
    cleanups.push(() => xvfb.stop());
    const outDir = await mkdtemp(join(tmpdir(), 'micgate-webkit-suite-'));
    cleanups.push(() => rm(outDir, { recursive: true, force: true }));
    const config = {
      root: options.root,
      configFile: /** @type {false} */ (false),
      logLevel: /** @type {'warn'} */ ('warn'),
      resolve: {
        alias: [{ find: /^vitest$/, replacement: SHIM }],
        // The workspace packages' TypeScript source, as the web recorder is built.
        conditions: ['@micgate/source', 'browser', 'module'],
      },
      build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
    };
    await build(config);

    /** @type {import('./index.js').WebKitHost | undefined} */
    let host;
    /** @type {import('./index.js').PlayedUser | undefined} */
    let user;
    /** @type {(names: string[]) => void} */
    let listed = () => {};
    /** @type {(reason: Error) => void} */
    let failed = () => {};
    const names = new Promise((resolve, reject) => {
      listed = resolve;
      failed = reject;
    });
    /** @type {Map<number, (outcome: TestOutcome) => void>} */
    const waiting = new Map();
    /** @type {(error: Error) => void} */
    let crash = () => {};
    let crashed = new Promise((_, reject) => {
      crash = reject;
    });
    crashed.catch(() => undefined);
    const need = () => {
      if (!host || !user) throw new Error('the host is not up');
      return { host, user };
    };
    /** @type {Record<string, (...args: any[]) => unknown>} */
    const commands = {
      list: (/** @type {string[]} */ list) => listed(list),
      result: (/** @type {number} */ index, /** @type {TestOutcome} */ outcome) => waiting.get(index)?.(outcome),
      crashed: (/** @type {string} */ stack) => {
        const error = new Error(`the page's runner failed: ${stack}`);
        failed(error);
        crash(error);
      },
      reset: () => need().user.reset(),
      answerNextPrompt: (/** @type {'grant' | 'deny'} */ answer, /** @type {number} */ delayMs) =>
        need().user.answerNextPrompt(answer, delayMs),
      explained: (/** @type {string} */ text) => need().user.explained(text),
      prompts: () => need().user.prompts(),
      decide: (/** @type {'undetermined' | 'denied' | 'granted'} */ decision) => need().user.decide(decision),
      hide: () => need().host.hide(),
      show: () => need().host.show(),
      // The rig's microphone leaves (its remapped source goes with it), and comes back as the default.
      unplug: async () => {
        await rig.unplug();
        await unloadRemap(rig.env);
      },
      replug: async () => {
        await rig.replug();
        await exposeRigSource(rig.env);
      },
      addDevice: async () => {
        await rig.addSource(SECOND.name, { frequency: SECOND.frequency, description: SECOND.description });
        return { frequency: SECOND.frequency, rms: SECOND.amplitude / Math.SQRT2 };
      },
      removeDevice: () => rig.removeSource(SECOND.name),
      playSine: (/** @type {number} */ frequency, /** @type {number} */ amplitude) => rig.setSine(frequency, amplitude),
    };
    const server = await preview({
      ...config,
      preview: { port: 0, host: '127.0.0.1' },
      plugins: [
        {
          name: 'micgate-webkit-suite',
          configurePreviewServer(server) {
            server.middlewares.use('/__micgate', (request, response) => {
              const name = (request.url ?? '').replace(/^\//, '');
              const command = commands[name];
              bodyOf(request)
                .then(async (args) => {
                  if (!command) throw new Error(`unknown rig command '${name}'`);
                  if (debug) console.error(`[webkit-suite] ${name} ${JSON.stringify(args).slice(0, 200)}`);
                  const value = await command(...args);
                  response.setHeader('content-type', 'application/json');
                  response.end(value === undefined ? '' : JSON.stringify(value));
                })
                .catch((/** @type {unknown} */ error) => {
                  response.statusCode = 500;
                  response.end(error instanceof Error ? error.message : String(error));
                });
            });
          },
        },
      ],
    });
    cleanups.push(() => server.close());
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview gave no URL');
    host = await launchHost({ display: xvfb.display, env: rig.env });
    cleanups.push(() => /** @type {import('./index.js').WebKitHost} */ (host).close());
    if (debug) host.onEvent((event) => console.error(`[webkit-suite] host event ${JSON.stringify(event)}`));
    user = createPlayedUser(host);
    await user.reset();
    await host.load(url);
    const timeout = setTimeout(
      () => failed(new Error('the page did not list its tests')),
      options.listTimeoutMs ?? 30_000,
    );
    const list = /** @type {string[]} */ (await names.finally(() => clearTimeout(timeout)));

    return {
      names: list,
      host,
      /**
       * Run test `index` in the page; resolves with its outcome.
       * @param {number} index
       * @returns {Promise<TestOutcome>}
       */
      async run(index) {
        const outcome = new Promise((resolve) => waiting.set(index, resolve));
        crashed = new Promise((_, reject) => {
          crash = reject;
        });
        crashed.catch(() => undefined);
        await /** @type {import('./index.js').WebKitHost} */ (host).load(`${url}?test=${index}`);
        try {
          return /** @type {TestOutcome} */ (await Promise.race([outcome, crashed]));
        } finally {
          waiting.delete(index);
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
