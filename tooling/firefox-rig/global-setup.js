import { startRig } from '@micgate/audio-rig';

/**
 * Vitest globalSetup: the audio rig (an isolated PulseAudio daemon playing a 440 Hz sine at
 * amplitude 0.5) must run before Firefox starts; Firefox inherits PULSE_SERVER and captures from it.
 * Every Firefox project of a run shares one rig (they run one after the other: see vitest.js).
 */
export default async function setup() {
  if (process.env.MICGATE_RIG_DIR) return undefined;
  const rig = await startRig({ frequency: 440, amplitude: 0.5 });
  Object.assign(process.env, rig.env, { MICGATE_RIG_DIR: rig.dir });
  return async () => {
    await rig.stop();
    delete process.env.MICGATE_RIG_DIR;
  };
}
