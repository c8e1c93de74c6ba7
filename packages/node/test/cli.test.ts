import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Finished, micgateBin, runNode, tempDir } from './helpers.js';

let home: { path: string; remove: () => Promise<void> };
const storePath = () => join(home.path, 'config', 'micgate', 'permissions.json');

/** Run the built `micgate` bin with a private XDG_CONFIG_HOME. */
function micgate(...args: string[]): Promise<Finished> {
  return runNode([micgateBin, ...args], { PATH: process.env.PATH, HOME: home.path, XDG_CONFIG_HOME: join(home.path, 'config') });
}

beforeEach(async () => {
  home = await tempDir('micgate-cli-');
});
afterEach(() => home.remove());

describe('the micgate settings command', () => {
  it('grants, denies, lists and resets apps in the per-user store', async () => {
    expect(await micgate('list')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^No app has a remembered decision/) });

    const granted = await micgate('grant', 'micgate-record');
    expect(granted).toMatchObject({ code: 0, stderr: '' });
    expect(granted.stdout).toBe('micgate-record may now use the microphone.\n');
    expect((await micgate('deny', 'com.example.notes')).code).toBe(0);

    const listed = await micgate('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^APP\s+DECISION\s+SINCE\ncom\.example\.notes\s+denied\s+\d{4}-\d\d-\d\dT.*\nmicgate-record\s+granted\s+\d{4}-/);
    const json = JSON.parse((await micgate('list', '--json')).stdout);
    expect(json).toEqual({
      'com.example.notes': { decision: 'denied', time: expect.any(String) },
      'micgate-record': { decision: 'granted', time: expect.any(String) },
    });
    expect((await stat(storePath())).mode & 0o777).toBe(0o600);

    expect(await micgate('deny', 'micgate-record')).toMatchObject({ code: 0, stdout: expect.stringContaining('may not use') });
    expect(JSON.parse(await readFile(storePath(), 'utf8')).apps['micgate-record'].decision).toBe('denied');

    expect(await micgate('reset', 'micgate-record')).toMatchObject({ code: 0, stdout: "Forgot micgate-record's decision; it will ask again.\n" });
    expect(await micgate('reset', 'micgate-record')).toMatchObject({ code: 0, stdout: expect.stringContaining('had no decision') });
    expect(await micgate('reset', '--all')).toMatchObject({ code: 0, stdout: 'Forgot 1 decision; every app will ask again.\n' });
    expect(JSON.parse(await readFile(storePath(), 'utf8')).apps).toEqual({});
  });

  it('prints help on --help and -h with status 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const help = await micgate(flag);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('micgate grant APP');
      expect(help.stdout).toContain(storePath());
    }
  });

  it.each([
    [[], /missing command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['grant'], /grant needs an app id/],
    [['reset'], /reset needs an app id \(or --all\)/],
    [['grant', 'a b'], /"a b" is not an app id/],
    [['grant', '--force'], /unknown option "--force" for grant/],
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
    await writeFile(storePath(), '\u0000\u0000garbage');
    const listed = await micgate('list');
    expect(listed.code).toBe(0);
    expect(listed.stderr).toMatch(/damaged permission store/);
    expect(listed.stdout).toMatch(/^No app has a remembered decision/);
    expect((await micgate('grant', 'micgate-record')).code).toBe(0);
    expect(JSON.parse(await readFile(storePath(), 'utf8')).apps['micgate-record'].decision).toBe('granted');
    expect((await micgate('list')).stderr).toBe('');
  });

  it('fails with status 1 and the reason when the store cannot be written', async () => {
    await mkdir(join(home.path, 'config'), { recursive: true });
    await writeFile(join(home.path, 'config', 'micgate'), 'a file where the folder should be');
    const result = await micgate('grant', 'micgate-record');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^micgate: .*(EEXIST|ENOTDIR)/);
  });
});
