import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const dist = (entry: string) => fileURLToPath(new URL(`../../dist/${entry}`, import.meta.url));

/** Run an ES module in a fresh Node (the built package, as users get it); its last stdout line is JSON. */
function runModule(source: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    encoding: 'utf8',
    env,
    timeout: 30_000,
  });
  if (child.status !== 0) throw new Error(`exit ${child.status}: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

test('the Node build loads the native addon on first use: not on import, not at createAudioSession', () => {
  const result = runModule(`
    import { createRequire } from 'node:module';
    import { mkdtempSync } from 'node:fs';
    import { tmpdir } from 'node:os';
    import { join } from 'node:path';
    process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'micgate-lazy-'));
    const addons = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => path.endsWith('.node')).length;
    const micgate = await import(${JSON.stringify(dist('node.js'))});
    const afterImport = addons();
    const session = micgate.createAudioSession({ appId: 'lazy-test', usageDescription: 'Tests loading.' });
    const afterCreate = addons();
    await session.adapter.devices();
    const afterUse = addons();
    session.close();
    console.log(JSON.stringify({ afterImport, afterCreate, afterUse, name: session.adapter.name }));
  `);
  expect(result).toEqual({ afterImport: 0, afterCreate: 0, afterUse: 1, name: 'node' });
});

test('importing the browser build touches neither window, document nor navigator (server-side rendering imports it on Node)', () => {
  const result = runModule(`
    const touched = [];
    for (const name of ['window', 'document', 'navigator']) {
      Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); return undefined; } });
    }
    const micgate = await import(${JSON.stringify(dist('browser.js'))});
    const afterImport = [...touched];
    let made;
    try { micgate.createAudioSession({ usageDescription: 'Tests loading.' }).close(); made = true; } catch { made = false; }
    console.log(JSON.stringify({ afterImport, touchedOnUse: touched.length > 0, exports: typeof micgate.createAudioSession }));
  `);
  // Using it is what reads the globals (the positive control that the traps work).
  expect(result).toEqual({ afterImport: [], touchedOnUse: true, exports: 'function' });
});

test('every condition exports the same names, core’s included', () => {
  const names = (entry: string) =>
    runModule(
      `const m = await import(${JSON.stringify(dist(entry))}); console.log(JSON.stringify(Object.keys(m).sort()));`,
    ) as string[];
  const node = names('node.js');
  expect(names('browser.js')).toEqual(node);
  expect(names('index.js')).toEqual(node);
  for (const name of [
    'createAudioSession',
    'measureLevel',
    'PromptUnavailableError',
    'InvalidArgumentError',
    'encodeWav',
  ])
    expect(node).toContain(name);
});

test('the default condition (an unknown runtime) asks for an adapter, naming the option', () => {
  const result = runModule(`
    const { createAudioSession } = await import(${JSON.stringify(dist('index.js'))});
    try { createAudioSession({ usageDescription: 'x' }); console.log('null'); } catch (error) { console.log(JSON.stringify({ name: error.name, field: error.field })); }
  `);
  expect(result).toEqual({ name: 'InvalidArgumentError', field: 'adapter' });
});
