// Packs every published package and installs the tarballs with npm into a project outside the
// workspace, as a user would get them. Shared by the pack test and the Bun/Deno runtime test.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspace = fileURLToPath(new URL('../..', import.meta.url));
const template = fileURLToPath(new URL('./app', import.meta.url));

/** Versions the installing project uses, the workspace's own. */
const DEV = {
  typescript: '6.0.3',
  vitest: '4.1.12',
  '@vitest/browser-playwright': '4.1.12',
  playwright: '1.65.1',
  vite: '8.3.8',
  '@types/node': '^20.19.0',
};

export function log(message) {
  console.log(`[pack-test] ${message}`);
}

/** Run a command, echoing it; throws with its output on failure. */
export function run(command, args, options = {}) {
  log(`$ ${[command, ...args].join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  const result = spawnSync(command, args, {
    stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 600_000,
    ...options,
  });
  if (result.status !== 0) {
    const output = options.capture ? `\n${result.stdout}\n${result.stderr}` : '';
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})${output}`,
    );
  }
  return result.stdout ?? '';
}

/** The workspace's published packages: packages/* that are not private. */
export function publishedPackages() {
  return readdirSync(join(workspace, 'packages'))
    .map((name) => join(workspace, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private);
}

/** `pnpm pack` each one (workspace: ranges become versions, publishConfig applies); returns name → tarball. */
export function packAll(destination) {
  mkdirSync(destination, { recursive: true });
  const tarballs = {};
  for (const { dir, manifest } of publishedPackages()) {
    if (!existsSync(join(dir, 'dist')))
      throw new Error(`${manifest.name} is not built (no dist/): run \`pnpm build\` first`);
    const out = run('pnpm', ['pack', '--json', '--pack-destination', destination], { cwd: dir, capture: true });
    tarballs[manifest.name] = JSON.parse(out).filename;
  }
  return tarballs;
}

/**
 * HOOK (helper C, prebuilt addon): an environment in which no compiler, pkg-config or PortAudio
 * headers can be found, so that installing @micgate/node must use its prebuilt addon. Enabled by
 * MICGATE_PACK_NO_COMPILER=1; until the prebuilt addon ships, the install then warns and capture
 * fails, which the record step reports.
 */
export function installEnv(base = process.env) {
  const env = {
    ...base,
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  if (base.MICGATE_PACK_NO_COMPILER !== '1') return env;
  const bin = join(base.MICGATE_PACK_DIR ?? '/tmp', 'no-compiler-bin');
  mkdirSync(bin, { recursive: true });
  // Only what npm and node need: no cc/c++/g++/make/pkg-config/python3 reachable.
  for (const tool of ['node', 'npm', 'npx', 'sh', 'bash', 'env', 'uname', 'tar', 'gzip']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found && !existsSync(join(bin, tool))) execFileSync('ln', ['-s', found, join(bin, tool)]);
  }
  return {
    ...env,
    PATH: bin,
    PKG_CONFIG_LIBDIR: '/nonexistent',
    CPATH: '',
    C_INCLUDE_PATH: '',
    CPLUS_INCLUDE_PATH: '',
  };
}

/** A fresh project in `dir` depending on every tarball (and nothing from the workspace), installed with npm. */
export function createProject(dir, tarballs) {
  cpSync(template, dir, { recursive: true });
  const files = Object.fromEntries(Object.entries(tarballs).map(([name, path]) => [name, `file:${path}`]));
  const manifest = {
    name: 'micgate-pack-test-app',
    private: true,
    type: 'module',
    dependencies: { ...files, rxjs: '7.8.2' },
    devDependencies: DEV,
    // The tarballs depend on each other by version (^0.0.0): use the tarballs, never the registry.
    overrides: Object.fromEntries(Object.keys(tarballs).map((name) => [name, `$${name}`])),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env: installEnv() });
}
