// Builds the addon with node-gyp. Where Node's headers are installed system-wide (Debian's
// nodejs puts them in /usr/include/node) use them instead of downloading, unless the caller
// chose a nodedir already.
// --optional (the install script): a failed build warns and exits 0, so the package installs
// without PortAudio's headers; capture then explains what to install when first used.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';

// npm and pnpm tell lifecycle scripts where their bundled node-gyp is; run directly, use npm's.
const npmNodeGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const bundled = [env.npm_config_node_gyp, npmNodeGyp].find((path) => path && existsSync(path));
const [command, args] = bundled ? [process.execPath, [bundled]] : ['node-gyp', []];
const optional = process.argv.includes('--optional');
const result = spawnSync(command, [...args, 'rebuild'], { cwd: packageDir, env, stdio: 'inherit' });
const failure = result.error ? `could not run node-gyp: ${result.error.message}` : result.status !== 0 ? `node-gyp exited with ${result.status ?? result.signal}` : undefined;
if (failure && optional) {
  console.warn(
    `@micgate/node: the PortAudio capture addon was not built (${failure}). Permission prompts and the store work; ` +
      'to capture, install a C++ toolchain, pkg-config and PortAudio (Debian: apt-get install build-essential pkg-config portaudio19-dev) and run `npm rebuild @micgate/node`.',
  );
  process.exit(0);
}
if (failure) console.error(failure);
process.exit(failure ? 1 : 0);
