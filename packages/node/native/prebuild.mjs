// Builds the prebuilt addon shipped in the package: prebuilds/<platform>-<arch>/@micgate+node.napi[.glibc].node,
// with prebuildify (N-API: one build for every Node version; --strip: no debug symbols). On Debian,
// PortAudio is linked in statically (see portaudio-flags.mjs). CI runs this before `pnpm pack`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
// prebuildify runs `node-gyp`: npm's bundled copy, as native/build.mjs does.
const npmNodeGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'node-gyp-bin');
if (existsSync(npmNodeGyp)) env.PATH = `${npmNodeGyp}:${env.PATH}`;
const prebuildify = createRequire(import.meta.url).resolve('prebuildify/bin.js');
const result = spawnSync(process.execPath, [prebuildify, '--napi', '--strip', '--tag-libc'], {
  cwd: packageDir,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
