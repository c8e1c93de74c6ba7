import { execFileSync } from 'node:child_process';
import { type AudioRig, attachRig, startRig } from '@micgate/audio-rig';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The rig's folder, or '' when this machine cannot run one (the reason is in `rigUnavailable`). */
    rigDir: string;
    rigUnavailable: string;
  }
}

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * One virtual microphone for the whole run. A rig already started by the caller
 * (`eval "$(node tooling/audio-rig/cli.js start)"`, as .ci/run does) is reused and left running.
 * Test workers inherit PULSE_SERVER and ALSA_CONFIG_PATH from here.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  let rig: AudioRig | undefined;
  let owned = false;
  const given = process.env.MICGATE_RIG_DIR;
  if (given) {
    rig = attachRig(given);
  } else if (!hasCommand('pulseaudio') || !hasCommand('pacat')) {
    project.provide('rigDir', '');
    project.provide(
      'rigUnavailable',
      'pulseaudio/pacat are not installed (apt-get install pulseaudio pulseaudio-utils)',
    );
    return undefined;
  } else {
    rig = await startRig();
    owned = true;
  }
  process.env.MICGATE_RIG_DIR = rig.dir;
  process.env.PULSE_SERVER = rig.env.PULSE_SERVER;
  process.env.ALSA_CONFIG_PATH = rig.env.ALSA_CONFIG_PATH;
  project.provide('rigDir', rig.dir);
  project.provide('rigUnavailable', '');
  const started = rig;
  return owned ? () => started.stop() : undefined;
}
