import { startRig } from '@micgate/audio-rig';

/**
 * Vitest globalSetup: the audio rig (an isolated PulseAudio daemon playing a 440 Hz sine at
 * amplitude 0.5) must run before Firefox starts; Firefox inherits PULSE_SERVER and captures from it.
 */
export default async function setup() {
  const rig = await startRig({ frequency: 440, amplitude: 0.5 });
  Object.assign(process.env, rig.env, { MICGATE_RIG_DIR: rig.dir });
  return () => rig.stop();
}
