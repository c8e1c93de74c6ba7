// The rig on its own: PulseAudio up, the feeder's sine measurable at the source, unplug/replug,
// and a clean stop. Reads the source with parec (pulseaudio-utils), not PortAudio.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { KEEPER_NAME, startRig } from '../index.js';

/** Whether a process with this id still runs. */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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

test('the keeper stream runs with the rig, is no capture to sourceOutputs(), and stops with it', {
  timeout: 60_000,
}, async () => {
  const rig = await startRig({ frequency: 440, amplitude: 0.5 });
  const streams = () =>
    JSON.parse(
      execFileSync('pactl', ['--format=json', 'list', 'source-outputs'], { env: { ...process.env, ...rig.env } }),
    )
      .map((output) => output.properties)
      .map((properties) => ({
        name: properties['application.name'],
        pid: Number(properties['application.process.id']),
      }));
  const keepers = () => streams().filter((stream) => stream.name === KEEPER_NAME);
  const until = async (check, what) => {
    const deadline = Date.now() + 5_000;
    while (!(await check())) {
      assert.ok(Date.now() < deadline, `waited 5 s for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  let keeperPid = 0;
  try {
    assert.equal(keepers().length, 1, 'one keeper stream is open on the microphone');
    assert.equal((await rig.status()).keeping, true);
    assert.equal(await rig.sourceOutputs(), 0, 'the keeper is not counted as a capture');
    const capture = spawn('parec', ['--raw', '--latency-msec=20'], { env: { ...process.env, ...rig.env } });
    try {
      await until(async () => (await rig.sourceOutputs()) === 1, 'a real capture to be counted');
      assert.equal(streams().length, 2, 'the capture and the keeper');
    } finally {
      capture.kill('SIGTERM');
    }
    await until(async () => (await rig.sourceOutputs()) === 0, 'the capture to end');

    await rig.unplug();
    await until(() => keepers().length === 0, 'the keeper to lose the unplugged microphone');
    await rig.replug();
    assert.equal(keepers().length, 1, 'the keeper is back once replug resolves');
    keeperPid = keepers()[0].pid;
    assert.ok(keeperPid > 0, 'PulseAudio names the keeper process');
  } finally {
    await rig.stop();
  }
  await until(() => !alive(keeperPid), 'the keeper process to end with the rig');
});
