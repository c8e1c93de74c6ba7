// The smoke app's preload, bundled by the smoke test into preload.bundle.cjs (a sandboxed preload
// can require only 'electron', so the bridge from dist/ is inlined).
import { contextBridge, ipcRenderer } from 'electron';
import { exposeMicrophoneBridge } from '../../dist/preload/index.js';

exposeMicrophoneBridge({ contextBridge, ipcRenderer });
contextBridge.exposeInMainWorld('smoke', { done: (result) => ipcRenderer.invoke('smoke:done', result) });
