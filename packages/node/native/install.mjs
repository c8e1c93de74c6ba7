// The install script. A prebuilt addon that fits this machine (prebuilds/, chosen by node-gyp-build:
// platform, architecture, libc, N-API) is used as it is: no compiler needed. Otherwise the addon
// is built from source (native/build.mjs --optional), which explains what to install if it fails.
// MICGATE_BUILD_FROM_SOURCE=1 (or npm's --build-from-source) skips the prebuilt addon.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const fromSource = process.env.MICGATE_BUILD_FROM_SOURCE === '1' || process.env.npm_config_build_from_source === 'true';

if (!fromSource && prebuiltLoads()) process.exit(0);
const result = spawnSync(process.execPath, [join(packageDir, 'native', 'build.mjs'), '--optional'], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);

/** A prebuilt addon for this platform that also loads here (its shared libraries, e.g. libasound.so.2, are present). */
function prebuiltLoads() {
  const require = createRequire(import.meta.url);
  let path;
  try {
    path = require('node-gyp-build').path(packageDir);
  } catch {
    return false;
  }
  if (!path.includes(`${join(packageDir, 'prebuilds')}`)) return false; // an earlier local build: rebuild it
  try {
    require(path);
    return true;
  } catch (error) {
    console.warn(
      `@micgate/node: the prebuilt capture addon does not load here (${error.message.split('\n')[0]}); building from source.`,
    );
    return false;
  }
}
