import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionStore } from '../src/permission/index.js';
import { type Finished, micgateBin, runNode, tempDir } from './helpers.js';

let home: { path: string; remove: () => Promise<void> };
const storeDir = () => join(home.path, 'config', 'micgate');
/** The old single-file format, which the store still reads (and moves into decision files). */
const storePath = () => join(storeDir(), 'permissions.json');
const decisionOf = async (appId: string) =>
  JSON.parse(await readFile(join(storeDir(), `${appId}.decision.json`), 'utf8')).decision;

/** Run the built `micgate` bin with a private XDG_CONFIG_HOME. */
function micgate(...args: string[]): Promise<Finished> {
  return runNode([micgateBin, ...args], {
    PATH: process.env.PATH,
    HOME: home.path,
    XDG_CONFIG_HOME: join(home.path, 'config'),
  });
}

beforeEach(async () => {
  home = await tempDir('micgate-cli-');
});
afterEach(() => home.remove());

describe('the micgate settings command', () => {
  it('grants, denies, lists and resets apps in the per-user store', async () => {
    expect(await micgate('list')).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^No app has a remembered decision/),
    });

    const granted = await micgate('grant', 'micgate-record', '--force');
    expect(granted).toMatchObject({ code: 0, stderr: '' });
    expect(granted.stdout).toBe('micgate-record may now use the microphone.\n');
    expect((await micgate('deny', '--force', 'com.example.notes')).code).toBe(0);

    const listed = await micgate('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /^APP\s+DECISION\s+SINCE\ncom\.example\.notes\s+denied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\nmicgate-record\s+granted\s+\d{4}-/,
    );
    const json = JSON.parse((await micgate('list', '--json')).stdout);
    expect(json).toEqual({
      'com.example.notes': { decision: 'denied', time: expect.any(String) },
      'micgate-record': { decision: 'granted', time: expect.any(String) },
    });
    expect((await stat(join(storeDir(), 'micgate-record.decision.json'))).mode & 0o777).toBe(0o600);

    expect(await micgate('deny', 'micgate-record')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('may not use'),
    });
    expect(await decisionOf('micgate-record')).toBe('denied');

    expect(await micgate('reset', 'micgate-record')).toMatchObject({
      code: 0,
      stdout: "Forgot micgate-record's decision; it will ask again.\n",
    });
    expect(await micgate('reset', 'micgate-record')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('had no decision'),
    });
    expect(await micgate('reset', '--all')).toMatchObject({
      code: 0,
      stdout: 'Forgot 1 decision; every app will ask again.\n',
    });
    expect(await readdir(storeDir())).toEqual([]);
  });

  it('prints help on --help and -h with status 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const help = await micgate(flag);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('micgate grant APP');
      expect(help.stdout).toContain(storeDir());
    }
  });

  it.each([
    [[], /missing command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['grant'], /grant needs an app id/],
    [['reset'], /reset needs an app id \(or --all\)/],
    [['grant', 'a b'], /"a b" is not an app id/],
    [['grant', '--yes'], /unknown option "--yes" for grant/],
    [['deny', 'one', 'two'], /unexpected argument "two" after deny/],
    [['list', '--yaml'], /unknown option "--yaml" for list/],
    [['reset', '--all', 'x'], /unexpected argument "x" after reset --all/],
  ])('refuses %j with status 2 and says why', async (args, message) => {
    const result = await micgate(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('micgate --help');
    expect(result.stdout).toBe('');
  });

  it('warns about a corrupt store, lists it as empty, and rewrites it on the next change', async () => {
    await mkdir(join(home.path, 'config', 'micgate'), { recursive: true });
    await writeFile(join(storeDir(), 'micgate-record.decision.json'), '\u0000\u0000garbage', { mode: 0o600 });
    const listed = await micgate('list');
    expect(listed.code).toBe(0);
    expect(listed.stderr).toMatch(/damaged permission store/);
    expect(listed.stdout).toMatch(/^No app has a remembered decision/);
    expect((await micgate('grant', 'micgate-record', '--force')).code).toBe(0);
    expect(await decisionOf('micgate-record')).toBe('granted');
    expect((await micgate('list')).stderr).toBe('');
  });

  it('fails with status 1 and the reason when the store cannot be written', async () => {
    await mkdir(join(home.path, 'config'), { recursive: true });
    await writeFile(join(home.path, 'config', 'micgate'), 'a file where the folder should be');
    const result = await micgate('grant', 'micgate-record', '--force');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^micgate: .*(not a folder|EEXIST|ENOTDIR)/);
  });
});

describe('micgate list on a hostile or damaged store (issue 9, item 19)', () => {
  const write = async (text: string) => {
    await mkdir(join(home.path, 'config', 'micgate'), { recursive: true, mode: 0o700 });
    await writeFile(storePath(), text, { mode: 0o600 });
  };

  it('refuses an entry whose time is not a time, so a forged row cannot show "denied" for a grant', async () => {
    const forged = '2026-01-01T00:00:00Z\rrecorder  denied  ';
    await write(JSON.stringify({ version: 1, apps: { recorder: { decision: 'granted', time: forged } } }));
    const listed = await micgate('list');
    expect(listed.stdout).not.toMatch(/denied/);
    expect(listed.stdout).not.toContain('\r');
    expect(listed.stderr).toMatch(/recorder/);
    expect(listed.stderr).not.toContain('\r');
  });

  it('prints no control character from the file, in the list or in a warning', async () => {
    await write(
      JSON.stringify({
        version: 1,
        apps: { 'evil\u001b[2J\u0007': { decision: 'granted', time: '2026-01-01T00:00:00.000Z' } },
      }),
    );
    const listed = await micgate('list');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
    const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
    expect(listed.stderr).toMatch(/evil/);
    expect(listed.stderr).not.toMatch(control);
    expect(listed.stdout).not.toMatch(control);
    // Not JSON at all: the parser's message quotes the file.
    await write('\u001b]0;owned\u0007\u001b[2Jx');
    const broken = await micgate('list');
    expect(broken.stderr).toMatch(/not valid JSON/);
    expect(broken.stderr).not.toMatch(control);
  });
});

describe('micgate grant and the list, for people (issue 13)', () => {
  it('warns about an app id the store has never seen, and goes ahead only with --force', async () => {
    const typo = await micgate('grant', 'micgate-recrod');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/never seen "micgate-recrod".*--force/s);
    expect(await micgate('list', '--json')).toMatchObject({ stdout: '{}\n' });
    const forced = await micgate('grant', 'micgate-recrod', '--force');
    expect(forced).toMatchObject({ code: 0, stdout: 'micgate-recrod may now use the microphone.\n' });
    // Known now: no --force needed to change it again.
    expect((await micgate('deny', 'micgate-recrod')).code).toBe(0);
    // An app that has run (asked for its status) is known without a decision.
    await createPermissionStore({ configDir: storeDir() }).get('micgate-record');
    expect(await micgate('grant', 'micgate-record')).toMatchObject({
      code: 0,
      stdout: 'micgate-record may now use the microphone.\n',
    });
  });

  it('prints its version with --version', async () => {
    const version = await micgate('--version');
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^micgate \d+\.\d+\.\d+/);
  });

  it('lists times in local time, and ISO 8601 in --json', async () => {
    await mkdir(join(home.path, 'config', 'micgate'), { recursive: true, mode: 0o700 });
    await writeFile(
      storePath(),
      JSON.stringify({ version: 1, apps: { recorder: { decision: 'granted', time: '2026-01-02T03:04:05.000Z' } } }),
      { mode: 0o600 },
    );
    const env = {
      PATH: process.env.PATH,
      HOME: home.path,
      XDG_CONFIG_HOME: join(home.path, 'config'),
      TZ: 'Asia/Tokyo',
    };
    const listed = await runNode([micgateBin, 'list'], env);
    expect(listed.stdout).toMatch(/recorder\s+granted\s+2026-01-02 12:04:05/);
    const json = JSON.parse((await runNode([micgateBin, 'list', '--json'], env)).stdout);
    expect(json.recorder.time).toBe('2026-01-02T03:04:05.000Z');
  });
});
