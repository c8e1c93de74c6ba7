#!/usr/bin/env node
// Shell front of the rig, for .ci/run and the demo:
//   eval "$(node tooling/audio-rig/cli.js start)"   # prints exports: MICGATE_RIG_DIR, PULSE_SERVER, ALSA_CONFIG_PATH
//   node tooling/audio-rig/cli.js sine 1000 [0.5]    # needs MICGATE_RIG_DIR (or --dir DIR)
//   node tooling/audio-rig/cli.js unplug|replug|freeze|thaw|status
//   node tooling/audio-rig/cli.js add-source NAME [HZ] | remove-source NAME | sources
//   node tooling/audio-rig/cli.js stop
import { attachRig, startRig, stopRig } from './index.js';

const args = process.argv.slice(2);
const dirFlag = args.indexOf('--dir');
const dirArg = dirFlag >= 0 ? args.splice(dirFlag, 2)[1] : undefined;
const [command, ...rest] = args;
const dir = dirArg ?? process.env.MICGATE_RIG_DIR;

function needDir() {
  if (!dir) {
    console.error('no rig: pass --dir DIR or set MICGATE_RIG_DIR (printed by `start`)');
    process.exit(2);
  }
  return dir;
}

try {
  switch (command) {
    case 'start': {
      const frequency = rest[0] ? Number(rest[0]) : 440;
      const rig = await startRig({ frequency, ...(dirArg ? { dir: dirArg } : {}) });
      process.stdout.write(
        `export MICGATE_RIG_DIR='${rig.dir}'\nexport PULSE_SERVER='${rig.env.PULSE_SERVER}'\nexport ALSA_CONFIG_PATH='${rig.env.ALSA_CONFIG_PATH}'\n`,
      );
      break;
    }
    case 'sine': {
      const signal = await attachRig(needDir()).setSine(
        Number(rest[0]),
        rest[1] === undefined ? undefined : Number(rest[1]),
      );
      console.log(JSON.stringify(signal));
      break;
    }
    case 'unplug':
      await attachRig(needDir()).unplug();
      break;
    case 'replug':
      await attachRig(needDir()).replug();
      break;
    case 'freeze':
      await attachRig(needDir()).freeze();
      break;
    case 'thaw':
      await attachRig(needDir()).thaw();
      break;
    case 'add-source':
      await attachRig(needDir()).addSource(rest[0], rest[1] === undefined ? {} : { frequency: Number(rest[1]) });
      break;
    case 'remove-source':
      await attachRig(needDir()).removeSource(rest[0]);
      break;
    case 'sources':
      console.log((await attachRig(needDir()).sources()).join('\n'));
      break;
    case 'status':
      console.log(JSON.stringify(await attachRig(needDir()).status()));
      break;
    case 'stop':
      await stopRig(needDir());
      break;
    default:
      console.error(
        'usage: cli.js start [FREQUENCY] | sine HZ [AMPLITUDE] | unplug | replug | add-source NAME [HZ] | remove-source NAME | sources | freeze | thaw | status | stop   [--dir DIR]',
      );
      process.exit(2);
  }
  process.exit(0);
} catch (error) {
  console.error(`audio rig: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
