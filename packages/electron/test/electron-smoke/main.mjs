// A minimal Electron app for the smoke test: the real session, ipcMain, protocol and Chromium,
// with the broker from dist. Nobody clicks here, so the dialog is scripted by MICGATE_SMOKE_ANSWER
// ('Allow' or 'none': fail if a dialog is shown). Prints one JSON line and quits.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, protocol, session, systemPreferences } from 'electron';
import { installMicrophoneBroker } from '../../dist/main/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const ORIGIN = 'app://smoke';
const answer = process.env.MICGATE_SMOKE_ANSWER ?? 'Allow';
const shown = [];

if (process.env.MICGATE_SMOKE_USER_DATA) app.setPath('userData', process.env.MICGATE_SMOKE_USER_DATA);
app.commandLine.appendSwitch('use-fake-device-for-media-stream');
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true } }]);

const finish = (result, code = 0) => {
  process.stdout.write(`MICGATE_SMOKE ${JSON.stringify(result)}\n`);
  app.exit(code);
};
setTimeout(() => finish({ error: 'timed out after 20 s' }, 2), 20_000).unref();

app.whenReady().then(() => {
  protocol.handle('app', async (request) => {
    const name = new URL(request.url).pathname.replace(/^\//, '') || 'index.html';
    const body = await readFile(join(here, name));
    return new Response(body, {
      headers: { 'content-type': name.endsWith('.html') ? 'text/html' : 'text/javascript' },
    });
  });
  const scriptedDialog = {
    showMessageBox: async (...args) => {
      const options = args.at(-1);
      shown.push(options.detail);
      if (answer === 'none') throw new Error('a dialog was shown although the decision was remembered');
      return { response: options.buttons.indexOf(answer), checkboxChecked: false };
    },
  };
  const broker = installMicrophoneBroker({
    session: session.defaultSession,
    ipcMain,
    dialog: scriptedDialog,
    systemPreferences,
    userDataPath: app.getPath('userData'),
    allowedOrigins: [ORIGIN],
    usageDescription: 'micgate smoke test (getUserMedia)',
  });
  ipcMain.handle('smoke:done', async (_event, page) => {
    await broker.flushed();
    finish({ page, shown, main: broker.status() });
  });
  const window = new BrowserWindow({
    show: false,
    webPreferences: { preload: join(here, 'preload.bundle.cjs'), contextIsolation: true, sandbox: true },
  });
  window.loadURL(`${ORIGIN}/index.html`);
});
