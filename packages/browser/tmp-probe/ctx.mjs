import { startRig } from '../node_modules/@micgate/webkit-rig/node_modules/@micgate/audio-rig/index.js';
import { exposeRigSource, launchHost, startXvfb } from '@micgate/webkit-rig';
import { createServer } from 'node:http';
const rig = await startRig({});
await exposeRigSource(rig.env);
const x = await startXvfb();
const page = `<html><body><script>
window.log = []; const t0 = performance.now();
const L = (m) => log.push(Math.round(performance.now()-t0) + ' ' + m);
window.go = async (resumeAfter) => {
  const c = new AudioContext(); L('ctx ' + c.state + ' ua=' + JSON.stringify(navigator.userActivation && navigator.userActivation.isActive));
  c.onstatechange = () => L('statechange ' + c.state);
  c.resume().then(() => L('resume resolved'), (e) => L('resume rejected ' + e));
  const s = await navigator.mediaDevices.getUserMedia({audio:true}); L('gum resolved, ctx ' + c.state);
  if (resumeAfter) c.resume().then(() => L('resume2 resolved'), (e) => L('resume2 rejected ' + e));
  const src = c.createMediaStreamSource(s); L('source created ' + c.state);
  await new Promise(r => setTimeout(r, 1500)); L('end ' + c.state);
  s.getTracks().forEach(t => t.stop()); await c.close();
};
const m = location.search.match(/auto=(\\w+)/); if (m) setTimeout(() => go(m[1] === 'true'), 300);
</script></body></html>`;
const server = createServer((q, r) => r.end(page)).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const host = await launchHost({ display: x.display, env: rig.env });
await host.setPolicy('allow'); await host.setQueryState('granted');
for (const variant of [false, true, false, true]) {
  await host.load(url + '?auto=' + variant + '&r=' + Math.random());
  await new Promise((r) => setTimeout(r, 2500));
  console.log('resumeAfter=' + variant + '\n' + (await host.script('return log')).join('\n'));
}
await host.close(); server.close(); await x.stop(); await rig.stop();
