// The preload: bundled to CommonJS with the bridge inside (a sandboxed preload can require only
// 'electron'). The page gets window.micgate (status, request, onChange) and nothing else.
import { exposeMicrophoneBridge } from '@micgate/electron/preload';
import { contextBridge, ipcRenderer } from 'electron';

exposeMicrophoneBridge({ contextBridge, ipcRenderer });
