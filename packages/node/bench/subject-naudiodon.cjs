// naudiodon (what Node users pick today) capturing the same input. It bundles its own
// PortAudio. Its buffers carry a `timestamp` truncated to whole seconds, so no delay is measured.
// usage: node subject-naudiodon.cjs SECONDS RATE CHANNELS FRAMES   → `RESULT {json}`
const [secondsText = '60', rateText = '48000', channelsText = '2', framesText = '480'] = process.argv.slice(2);
const seconds = Number(secondsText);
const rate = Number(rateText);
const channels = Number(channelsText);
const naudiodon = require('naudiodon');
// Loaded before the CPU window opens (an ES module: import() from CommonJS).
const threadCpu = import('./thread-cpu.mjs');

let bytes = 0;
const cpuBefore = process.cpuUsage();
const input = new naudiodon.AudioIO({
  inOptions: {
    channelCount: channels,
    sampleFormat: naudiodon.SampleFormatFloat32,
    sampleRate: rate,
    deviceId: -1,
    framesPerBuffer: Number(framesText),
    closeOnError: false,
  },
});
input.on('data', (chunk) => {
  bytes += chunk.length;
});
input.on('error', (error) => console.error(`naudiodon: ${error.message}`));
input.start();
// Steady state from warmSeconds on, as in subject-capture.ts.
const warmSeconds = Math.min(5, seconds / 4);
let cpuWarm;
let threadsWarm;
threadCpu.then(({ threadCpuSeconds, threadCpuSince }) => {
  setTimeout(() => {
    cpuWarm = process.cpuUsage();
    threadsWarm = threadCpuSeconds();
  }, warmSeconds * 1000);
  setTimeout(() => finish(threadCpuSince(threadsWarm)), seconds * 1000);
});
function finish(steadyThreads) {
  const steady = process.cpuUsage(cpuWarm);
  input.quit(() => {
    const cpu = process.cpuUsage(cpuBefore);
    const frames = bytes / 4 / channels;
    console.log(
      `RESULT ${JSON.stringify({
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        steadyCpuSeconds: (steady.user + steady.system) / 1e6,
        steadySeconds: seconds - warmSeconds,
        steadyThreads,
        frames,
        expectedFrames: seconds * rate,
        framesLost: null,
        inputOverflows: null,
        delayP50Ms: null,
        delayP99Ms: null,
      })}`,
    );
    process.exit(0);
  });
}
