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
const npmNodeGyp = join(
  dirname(process.execPath),
  '..',
  'lib',
  'node_modules',
  'npm',
  'node_modules',
  'node-gyp',
  'bin',
  'node-gyp.js',
);
const bundled = [env.npm_config_node_gyp, npmNodeGyp].find((path) => path && existsSync(path));
const [command, args] = bundled ? [process.execPath, [bundled]] : ['node-gyp', []];
const optional = process.argv.includes('--optional');
const result = spawnSync(command, [...args, 'rebuild'], { cwd: packageDir, env, stdio: 'inherit' });
const failure = result.error
  ? `could not run node-gyp: ${result.error.message}`
  : result.status !== 0
    ? `node-gyp exited with ${result.status ?? result.signal}`
    : undefined;
if (failure && optional) {
  console.warn(
    [
      `@micgate/node: no prebuilt capture addon fits this machine (prebuilt: linux-x64 with glibc 2.34 or newer), and building it from source failed (${failure}).`,
      'Permission prompts and the decision store work; capture needs the addon. Install a C++ toolchain and PortAudio, then run `npm rebuild @micgate/node`:',
      '  Debian/Ubuntu: apt-get install portaudio19-dev pkg-config g++ make python3',
      '  Fedora: dnf install portaudio-devel pkgconf-pkg-config gcc-c++ make python3    macOS: brew install portaudio pkg-config (and the Xcode command line tools)',
      'pnpm runs this build only for approved packages: `pnpm approve-builds`, or list "@micgate/node" in onlyBuiltDependencies (pnpm 10) or allowBuilds (pnpm 12).',
      'npm: the build needs install scripts allowed (not --ignore-scripts, ignore-scripts=false in .npmrc).',
    ].join('\n'),
  );
  process.exit(0);
}
if (failure) console.error(failure);
process.exit(failure ? 1 : 0);
