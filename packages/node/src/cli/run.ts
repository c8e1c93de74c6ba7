import { resolve } from 'node:path';
import { MicgateError } from '@micgate/core';
import { isAppId } from '../permission/app-id.js';
import { defaultConfigDir } from '../permission/config-dir.js';
import { shown } from '../permission/shown.js';
import { createPermissionStore, type PermissionStore } from '../permission/store.js';
import type { PermissionSnapshot } from '../permission/store-file.js';
import { usage } from './usage.js';
import { packageVersion } from './version.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line was wrong: exit status 2. */
export class UsageError extends MicgateError {
  constructor(message: string) {
    super('ERR_MICGATE_USAGE', message);
  }
}

/** Text from the store or the command line, safe to print: no control characters, bounded. */
const safe = (text: string) => shown(text, 2000);

/** The `micgate` settings command; resolves with the exit status. */
export async function runMicgate(argv: readonly string[], io: CliIo): Promise<number> {
  const args = [...argv];
  let configDir: string;
  try {
    configDir = takeConfigDir(args) ?? defaultConfigDir(io.env);
  } catch (error) {
    io.stderr.write(`micgate: ${safe((error as Error).message)}\nRun \`micgate --help\` for usage.\n`);
    return EXIT_USAGE;
  }
  const store = createPermissionStore({
    configDir,
    onError: (error) =>
      io.stderr.write(`micgate: warning: ${safe(error instanceof Error ? error.message : String(error))}\n`),
  });
  try {
    if (args.includes('--help') || args.includes('-h') || args[0] === 'help') {
      io.stdout.write(usage(store.path));
      return EXIT_OK;
    }
    if (args[0] === '--version' || args[0] === '-V') {
      io.stdout.write(`micgate ${packageVersion()}\n`);
      return EXIT_OK;
    }
    return await runCommand(args, store, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`micgate: ${safe(error.message)}\nRun \`micgate --help\` for usage.\n`);
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    const code =
      error instanceof MicgateError ? error.code : ((error as NodeJS.ErrnoException | undefined)?.code ?? '');
    io.stderr.write(`micgate: ${safe(message)}${code ? ` [${safe(String(code))}]` : ''}\n`);
    return EXIT_FAILURE;
  }
}

async function runCommand(argv: readonly string[], store: PermissionStore, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      throw new UsageError('missing command: list, grant, deny or reset');
    case 'list': {
      const json = takeFlag(rest, '--json');
      expectNoMore(rest, 'list');
      const apps = await store.list();
      io.stdout.write(json ? `${JSON.stringify(apps, null, 2)}\n` : formatList(apps, store.path));
      return EXIT_OK;
    }
    case 'grant':
    case 'deny': {
      const force = takeFlag(rest, '--force');
      const appId = takeAppId(rest, command);
      expectNoMore(rest, command);
      if (!force && !(await store.known(appId))) {
        const ids = Object.keys(await store.list());
        io.stderr.write(
          `micgate: the store has never seen "${appId}"${ids.length ? ` (it knows ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})` : ''}. Check the spelling (the app id is what the program passes as appId), or run \`micgate ${command} ${appId} --force\` to ${command === 'grant' ? 'allow' : 'deny'} it anyway.\n`,
        );
        return EXIT_FAILURE;
      }
      await store.set(appId, command === 'grant' ? 'granted' : 'denied');
      io.stdout.write(
        command === 'grant'
          ? `${appId} may now use the microphone.\n`
          : `${appId} may not use the microphone. (\`micgate grant ${appId}\` allows it again.)\n`,
      );
      return EXIT_OK;
    }
    case 'reset': {
      if (takeFlag(rest, '--all')) {
        expectNoMore(rest, 'reset --all');
        const count = await store.resetAll();
        io.stdout.write(`Forgot ${count} decision${count === 1 ? '' : 's'}; every app will ask again.\n`);
        return EXIT_OK;
      }
      const appId = takeAppId(rest, 'reset', ' (or --all)');
      expectNoMore(rest, 'reset');
      const had = await store.reset(appId);
      io.stdout.write(
        had
          ? `Forgot ${appId}'s decision; it will ask again.\n`
          : `${appId} had no decision; it will ask when it needs the microphone.\n`,
      );
      return EXIT_OK;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}: use list, grant, deny or reset`);
  }
}

/** `--config-dir DIR` (anywhere on the line): the store of an app that sets its own `configDir`. */
function takeConfigDir(args: string[]): string | undefined {
  const index = args.indexOf('--config-dir');
  if (index === -1) return undefined;
  const [, dir] = args.splice(index, 2);
  if (dir === undefined || dir === '' || dir.startsWith('-')) throw new UsageError('--config-dir needs a folder');
  return resolve(dir);
}

function takeFlag(args: string[], flag: string): boolean {
  const index = args.indexOf(flag);
  if (index === -1) return false;
  args.splice(index, 1);
  return true;
}

function takeAppId(args: string[], command: string, alternative = ''): string {
  const appId = args.shift();
  if (appId === undefined)
    throw new UsageError(`${command} needs an app id${alternative}, e.g. \`micgate ${command} micgate-record\``);
  if (appId.startsWith('-')) throw new UsageError(`unknown option ${JSON.stringify(appId)} for ${command}`);
  if (!isAppId(appId)) {
    throw new UsageError(`${JSON.stringify(appId)} is not an app id (1–200 letters, digits or . _ - @ / +)`);
  }
  return appId;
}

function expectNoMore(args: string[], command: string): void {
  const [extra] = args;
  if (extra === undefined) return;
  throw new UsageError(
    extra.startsWith('-')
      ? `unknown option ${JSON.stringify(extra)} for ${command}`
      : `unexpected argument ${JSON.stringify(extra)} after ${command}`,
  );
}

function formatList(apps: PermissionSnapshot, path: string): string {
  const rows = Object.entries(apps).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (rows.length === 0) return `No app has a remembered decision (${path}).\n`;
  const width = Math.max(3, ...rows.map(([appId]) => appId.length));
  const lines = rows.map(
    ([appId, entry]) => `${safe(appId).padEnd(width)}  ${entry.decision.padEnd(8)}  ${localTime(entry.time)}`,
  );
  return `${'APP'.padEnd(width)}  ${'DECISION'}  SINCE\n${lines.join('\n')}\n`;
}

/** `2026-01-02 12:04:05` in the local time zone (the store keeps UTC; `--json` shows it as stored). */
function localTime(iso: string): string {
  const date = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
