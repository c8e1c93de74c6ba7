// The main process. Runs inside Electron only (it loads 'electron' as a value).
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installMicrophoneBroker, type MicrophoneBroker } from '@micgate/electron/main';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  type MenuItemConstructorOptions,
  protocol,
  session,
  shell,
  systemPreferences,
} from 'electron';
import { APP_NAME, APP_ORIGIN, USAGE_DESCRIPTION } from './app-info.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = join(here, 'renderer');
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// app:// is a standard, secure scheme: the page gets a real origin and getUserMedia.
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
app.setName(APP_NAME);

/** Serves the built renderer from app://recorder/, and nothing outside it. */
async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.origin !== APP_ORIGIN) return new Response('not found', { status: 404 });
  const path = resolve(rendererRoot, `.${decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)}`);
  const inside = relative(rendererRoot, path);
  if (inside.startsWith('..') || isAbsolute(inside)) return new Response('not found', { status: 404 });
  try {
    const body = await readFile(path);
    return new Response(body, {
      headers: { 'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' },
    });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

function microphoneMenu(broker: MicrophoneBroker): MenuItemConstructorOptions {
  // The app's own privacy settings: decisions made "outside" the recording flow.
  return {
    label: 'Microphone',
    submenu: [
      { label: 'Allow Microphone Access', click: () => void broker.setDecision('granted') },
      { label: "Don't Allow Microphone Access", click: () => void broker.setDecision('denied') },
      { label: 'Reset Microphone Decision (ask again)', click: () => void broker.setDecision('undetermined') },
    ],
  };
}

function createWindow(): void {
  const window = new BrowserWindow({
    width: 520,
    height: 420,
    title: APP_NAME,
    webPreferences: {
      preload: join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('web-contents-created', (_event, contents) => {
  // The window stays on the app's origin: no navigation away, no pop-ups.
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.whenReady().then(() => {
  // Installed before any window exists: until then Electron would approve every permission.
  const broker = installMicrophoneBroker({
    session: session.defaultSession,
    ipcMain,
    dialog,
    systemPreferences,
    userDataPath: app.getPath('userData'),
    allowedOrigins: [APP_ORIGIN],
    usageDescription: USAGE_DESCRIPTION,
    appName: APP_NAME,
    dialogParent: (contents) => BrowserWindow.fromWebContents(contents),
    shell, // opens the macOS or Windows privacy pane for the page's "Open settings"
    // Where the app's own denial is undone: the same Microphone menu, popped up at the window.
    openAppSettings: (contents) => {
      const window = contents ? BrowserWindow.fromWebContents(contents) : null;
      const { submenu } = microphoneMenu(broker);
      Menu.buildFromTemplate(submenu as MenuItemConstructorOptions[]).popup(window ? { window } : {});
    },
  });
  protocol.handle('app', serveRenderer);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      ...(process.platform === 'darwin'
        ? [{ role: 'appMenu' } as MenuItemConstructorOptions]
        : [{ role: 'fileMenu' } as MenuItemConstructorOptions]),
      microphoneMenu(broker),
      { role: 'viewMenu' },
    ]),
  );
  // macOS: the user may have changed System Settings while the app was in the background.
  app.on('browser-window-focus', () => broker.recheck());
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
