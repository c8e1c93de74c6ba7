// Starting WebKitGTK here: an X server, the rig's microphone as a source WebKit lists, the embedding host.
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HOST = fileURLToPath(new URL('./host.py', import.meta.url));

/** The name of the remapped source WebKit captures from. */
export const WEBKIT_SOURCE = 'vmic_mic';

/**
 * An Xvfb server on a free display (it picks it and says which: `-displayfd`).
 * @returns {Promise<{ display: string, stop(): Promise<void> }>}
 */
export function startXvfb() {
  return new Promise((resolve, reject) => {
    const child = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('Xvfb did not report a display within 10 s'));
    }, 10_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /^(\d+)\n/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        display: `:${match[1]}`,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/**
 * WebKit skips PulseAudio sources of class `monitor`, which the rig's microphone (`vmic.monitor`) is:
 * remap it as an ordinary source and make that the default. Idempotent.
 * @param {{ PULSE_SERVER: string }} env
 */
export async function exposeRigSource(env) {
  await remapSource(env, 'vmic.monitor', WEBKIT_SOURCE, 'VirtualMic');
  await run('pactl', ['set-default-source', WEBKIT_SOURCE], { env: { ...process.env, ...env } });
}

/**
 * Load `module-remap-source` of `master` as `name` unless it is there: WebKit lists that one (it
 * lists no monitor source). Idempotent.
 * @param {{ PULSE_SERVER: string }} env @param {string} master @param {string} name @param {string} description
 */
async function remapSource(env, master, name, description) {
  const options = { env: { ...process.env, ...env } };
  const { stdout } = await run('pactl', ['list', 'short', 'sources'], options);
  if (stdout.split('\n').some((line) => line.split('\t')[1] === name)) return;
  await run(
    'pactl',
    [
      'load-module',
      'module-remap-source',
      `master=${master}`,
      `source_name=${name}`,
      `source_properties=device.description=${description}`,
    ],
    options,
  );
}

/**
 * Remove a remapped source (its master going away usually takes it along). Idempotent.
 * @param {{ PULSE_SERVER: string }} env @param {string} [name] default: the rig's microphone's
 */
export async function unloadRemap(env, name = WEBKIT_SOURCE) {
  const options = { env: { ...process.env, ...env } };
  const { stdout } = await run('pactl', ['list', 'short', 'modules'], options);
  for (const line of stdout.split('\n')) {
    if (line.includes('module-remap-source') && line.includes(`source_name=${name} `)) {
      await run('pactl', ['unload-module', line.split('\t')[0] ?? ''], options);
    }
  }
}

/**
 * The embedding host (host.py): a WebKitGTK window whose microphone prompt the test answers.
 * @param {{ display: string, env?: Record<string, string>, scale?: number }} options
 */
export async function launchHost(options) {
  const child = spawn('/usr/bin/python3', [HOST], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...options.env,
      DISPLAY: options.display,
      GDK_BACKEND: 'x11',
      ...(options.scale ? { GDK_SCALE: String(options.scale) } : {}),
      // No GPU here; WebKit's DMA-BUF renderer would fall back noisily.
      WEBKIT_DISABLE_DMABUF_RENDERER: '1',
    },
  });
  let stderr = '';
  child.stderr.on('data', (/** @type {Buffer} */ chunk) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  /** @type {Map<number, { resolve(value: unknown): void, reject(error: Error): void }>} */
  const waiting = new Map();
  /** @type {Set<(event: Record<string, unknown>) => void>} */
  const listeners = new Set();
  let next = 1;
  /** @type {(value?: unknown) => void} */
  let ready = () => {};
  const readyPromise = new Promise((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`the WebKit host exited (${code}) before it was ready: ${stderr}`)));
  });
  child.once('exit', (code, signal) => {
    if (code !== 0) console.error(`the WebKit host exited (${code ?? signal}): ${stderr}`);
    for (const { reject } of waiting.values()) reject(new Error(`the WebKit host exited (${code}): ${stderr}`));
    waiting.clear();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      return; // WebKit or GTK printing to stdout
    }
    if (message.event === 'ready') ready();
    if (message.event) for (const listener of listeners) listener(message);
    if (typeof message.id !== 'number') return;
    const entry = waiting.get(message.id);
    if (!entry) return;
    waiting.delete(message.id);
    if (message.ok) entry.resolve(message.value);
    else entry.reject(new Error(`WebKit host: ${message.error}`));
  });
  await readyPromise;

  /**
   * @param {string} cmd
   * @param {Record<string, unknown>} [params]
   * @param {number} [timeoutMs]
   */
  function call(cmd, params = {}, timeoutMs = 30_000) {
    const id = next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`WebKit host: '${cmd}' did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.stdin.write(`${JSON.stringify({ id, cmd, ...params })}\n`);
    });
  }

  return {
    /** @param {string} url */
    load: (url) => call('load', { url }),
    /** @param {'allow' | 'deny' | 'pending'} microphone how WebKit's next prompts are answered */
    setPolicy: (microphone) => call('policy', { microphone }),
    /** @param {'allow' | 'deny'} decision answer the oldest prompt held open */
    answer: (decision) => call('answer', { decision }),
    /** @param {'granted' | 'denied' | 'prompt'} state what permissions.query is told */
    setQueryState: (state) => call('query', { state }),
    /** @param {'none' | 'active' | 'muted'} state the browser UI's microphone switch (none = stop sharing) */
    setCaptureState: (state) => call('capture-state', { state }),
    /** @returns {Promise<{ held: number, requests: number, capture: string }>} */
    status: () => /** @type {Promise<{ held: number, requests: number, capture: string }>} */ (call('status')),
    /** Run an async function body in the main frame as a user action (with a user gesture). @param {string} body */
    script: (body) => call('script', { body }),
    /** @param {string} path */
    snapshot: (path) => call('snapshot', { path }),
    /** Unmap the window: the page becomes hidden (visibilitychange), as behind another window. */
    hide: () => call('hide'),
    /** Map it again and bring it to the front: the page is visible again. */
    show: () => call('show'),
    /** @param {number} width @param {number} height */
    resize: (width, height) => call('resize', { width, height }),
    /** @param {(event: Record<string, unknown>) => void} listener */
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      call('quit', {}, 3_000).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
