import { execFileSync } from 'node:child_process';
import { type AudioRig, attachRig, startRig } from '@micgate/audio-rig';

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * One virtual microphone for the run (reused when the caller started one: MICGATE_RIG_DIR).
 * Without PulseAudio there is nothing to record from: fail, saying what to install.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.MICGATE_RIG_DIR;
  if (!given && (!hasCommand('pulseaudio') || !hasCommand('pacat'))) {
    throw new Error('micgate tests need the audio rig: apt-get install pulseaudio pulseaudio-utils libasound2-plugins');
  }
  const rig: AudioRig = given ? attachRig(given) : await startRig();
  Object.assign(process.env, rig.env, { MICGATE_RIG_DIR: rig.dir });
  return given ? undefined : () => rig.stop();
}
