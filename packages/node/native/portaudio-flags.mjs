// Compiler and linker flags for PortAudio, printed for binding.gyp (`<!@(node native/portaudio-flags.mjs libs)`).
// Where pkg-config's libdir has libportaudio.a (Debian's portaudio19-dev) it is linked in statically, so
// the addon needs only libasound.so.2 at run time; otherwise the shared library is used.
// MICGATE_PORTAUDIO=shared forces the shared library.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const pkgConfig = (...args) => {
  try {
    return execFileSync('pkg-config', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};

const libdir = pkgConfig('--variable=libdir', 'portaudio-2.0');
const archive = libdir && join(libdir, 'libportaudio.a');
const hasAlsa = pkgConfig('--modversion', 'alsa') !== '';
const isStatic =
  process.env.MICGATE_PORTAUDIO !== 'shared' &&
  process.platform === 'linux' &&
  archive !== '' &&
  existsSync(archive) &&
  hasAlsa;

const out = {
  cflags: pkgConfig('--cflags', 'portaudio-2.0'),
  defines: [
    hasAlsa ? 'MICGATE_HAVE_ALSA=1' : 'MICGATE_NO_ALSA=1',
    ...(isStatic ? ['MICGATE_STATIC_PORTAUDIO=1'] : []),
  ].join(' '),
  // --exclude-libs: PortAudio's symbols stay private to the addon, so another PortAudio in the process cannot clash.
  libs: isStatic
    ? `${archive} ${pkgConfig('--libs', 'alsa')} -lm -lpthread -Wl,--exclude-libs,ALL`
    : `${pkgConfig('--libs', 'portaudio-2.0')} ${hasAlsa ? pkgConfig('--libs', 'alsa') : ''}`,
};
const what = process.argv[2];
if (!(what in out)) {
  console.error(`usage: portaudio-flags.mjs ${Object.keys(out).join('|')}`);
  process.exit(2);
}
console.log(out[what]);
