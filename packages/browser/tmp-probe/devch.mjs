import { startRig } from '../node_modules/@micgate/webkit-rig/node_modules/@micgate/audio-rig/index.js';
import { exposeRigSource, launchHost, startXvfb, unloadRemap } from '@micgate/webkit-rig';
import { createServer } from 'node:http';
const capture = process.argv[2] === 'capture';
const rounds = Number(process.argv[3] ?? 4);
const rig = await startRig({});
await exposeRigSource(rig.env);
const x = await startXvfb();
const page = `<html><body><script>
window.log = []; const t0 = performance.now();
const L = (m) => log.push(Math.round(performance.now()-t0) + ' ' + m);
let last = '';
navigator.mediaDevices.addEventListener('devicechange', async () => { const l = await navigator.mediaDevices.enumerateDevices(); L('devicechange -> ' + l.filter(d=>d.kind==='audioinput').map(d=>d.deviceId.slice(0,6)+':'+d.label).join(',')); });
setInterval(async () => { const l = (await navigator.mediaDevices.enumerateDevices()).filter(d=>d.kind==='audioinput').map(d=>d.deviceId.slice(0,6)+':'+d.label).join(','); if (l !== last) { last = l; L('poll ' + l); } }, 100);
</script></body></html>`;
const server = createServer((q, r) => r.end(page)).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const host = await launchHost({ display: x.display, env: rig.env });
await host.setPolicy('allow'); await host.setQueryState('granted');
await host.load(url);
if (capture) console.log('gum', await host.script(`const s = await navigator.mediaDevices.getUserMedia({audio:true}); window.s=s; const t = s.getAudioTracks()[0]; const e = await navigator.mediaDevices.enumerateDevices(); return t.label + ' settings=' + t.getSettings().deviceId + ' listed=' + e.map(d=>d.kind+':'+d.deviceId).join(',')`));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mark = (m) => host.script(`L('--- ${m}'); return 0`);
await sleep(1000);
for (let i = 0; i < rounds; i++) {
  await mark('unplug'); await rig.unplug(); await unloadRemap(rig.env); await mark('unplugged');
  await sleep(3000);
  await mark('replug'); await rig.replug(); await exposeRigSource(rig.env); await mark('replugged');
  await sleep(3000);
}
console.log((await host.script('return log')).join('\n'));
await host.close(); server.close(); await x.stop(); await rig.stop();
