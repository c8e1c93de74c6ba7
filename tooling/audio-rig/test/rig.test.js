// The rig on its own: PulseAudio up, the feeder's sine measurable at the source, unplug/replug,
// and a clean stop. Reads the source with parec (pulseaudio-utils), not PortAudio.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { startRig } from '../index.js';

function recordSource(env, seconds, device) {
  return new Promise((resolve, reject) => {
    const args = ['--raw', '--format=float32le', '--rate=48000', '--channels=1', '--latency-msec=20'];
    const parec = spawn('parec', device === undefined ? args : [...args, `--device=${device}`], {
      env: { ...process.env, ...env },
    });
    const chunks = [];
    parec.stdout.on('data', (chunk) => chunks.push(chunk));
    parec.on('error', reject);
    setTimeout(() => parec.kill('SIGTERM'), seconds * 1000);
    parec.on('exit', () => {
      const bytes = Buffer.concat(chunks);
      resolve(new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4)));
    });
  });
}

function frequencyOf(samples) {
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i - 1] < 0 && samples[i] >= 0) {
      const at = i - 1 + samples[i - 1] / (samples[i - 1] - samples[i]);
      if (first < 0) first = at;
      last = at;
      crossings++;
    }
  }
  return crossings < 2 ? 0 : ((crossings - 1) * 48_000) / (last - first);
}

const rms = (samples) => Math.sqrt(samples.reduce((sum, value) => sum + value * value, 0) / samples.length);

test('the rig plays a settable sine, unplugs, replugs and stops cleanly', { timeout: 60_000 }, async () => {
  const rig = await startRig({ frequency: 440, amplitude: 0.5 });
  const { daemonPid, feederPid } = JSON.parse(
    await import('node:fs').then((fs) => fs.readFileSync(`${rig.dir}/rig.json`, 'utf8')),
  );
  try {
    const played = await rig.setSine(1500, 0.3);
    assert.equal(played.frequency, 1500);
    const samples = (await recordSource(rig.env, 0.8)).subarray(4800);
    assert.ok(samples.length > 20_000, `recorded ${samples.length} samples`);
    assert.ok(Math.abs(frequencyOf(samples) / 1500 - 1) < 0.01, `measured ${frequencyOf(samples)} Hz`);
    assert.ok(Math.abs(rms(samples) - 0.3 / Math.SQRT2) < 0.01, `measured RMS ${rms(samples)}`);
    await assert.rejects(rig.setSine(30_000), /frequency/);

    await rig.unplug();
    assert.equal((await recordSource(rig.env, 0.3)).length, 0, 'no audio while unplugged');
    await rig.replug();
    await rig.setSine(700, 0.5);
    const again = (await recordSource(rig.env, 0.6)).subarray(2400);
    assert.ok(Math.abs(frequencyOf(again) / 700 - 1) < 0.01, `after replug: ${frequencyOf(again)} Hz`);
  } finally {
    await rig.stop();
  }
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  assert.equal(alive(daemonPid), false, 'the daemon is gone');
  assert.equal(alive(feederPid), false, 'the feeder is gone');
  assert.equal(existsSync(rig.dir), false, 'the folder is removed');
});

test('a second source comes and goes while the rig runs', { timeout: 60_000 }, async () => {
  const rig = await startRig({ frequency: 440, amplitude: 0.5 });
  try {
    assert.deepEqual(await rig.sources(), ['vmic.monitor']);
    await rig.addSource('second', { frequency: 1000, description: 'Second microphone' });
    assert.deepEqual(await rig.sources(), ['vmic.monitor', 'second']);
    await assert.rejects(rig.addSource('second'), /exists already/);
    await assert.rejects(rig.addSource('bad name'), /source name/);
    const samples = (await recordSource(rig.env, 1, 'second')).subarray(4800);
    assert.ok(Math.abs(frequencyOf(samples) / 1000 - 1) < 0.01, `second source: ${frequencyOf(samples)} Hz`);
    const first = (await recordSource(rig.env, 0.6)).subarray(4800);
    assert.ok(
      Math.abs(frequencyOf(first) / 440 - 1) < 0.01,
      `the default is still the rig's: ${frequencyOf(first)} Hz`,
    );
    await rig.removeSource('second');
    assert.deepEqual(await rig.sources(), ['vmic.monitor']);
    await assert.rejects(rig.removeSource('second'), /no source named second/);
  } finally {
    await rig.stop();
  }
});
