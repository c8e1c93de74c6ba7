import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finished, recorderBin, spawnNode, tempDir } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

const record = (...args: string[]) =>
  finished(
    spawnNode([recorderBin, ...args], {
      PATH: process.env.PATH,
      HOME: dir.path,
      XDG_CONFIG_HOME: join(dir.path, 'config'),
    }),
  );

describe('micgate-record arguments', () => {
  it('prints its usage on --help', async () => {
    const result = await record('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('micgate-record OUT.wav [--seconds 10]');
    expect(result.stdout).toContain('`npm run micgate -- grant micgate-record` in the micgate repository');
  });

  it.each([
    [[], /missing the output file/],
    [['a.wav', 'b.wav'], /unexpected argument ".*b\.wav": give one output file/],
    [['a.wav', '--bogus'], /unknown option --bogus/],
    [['a.wav', '-x'], /unknown option -x/],
    [['a.wav', '--rate'], /--rate needs a value/],
    [['a.wav', '--rate', '1000'], /--rate must be a whole number from 8000 to 384000; got "1000"/],
    [['a.wav', '--rate', '44100.5'], /--rate must be a whole number/],
    [['a.wav', '--channels', '0'], /--channels must be a whole number from 1 to 32/],
    [['a.wav', '--channels', 'two'], /--channels must be a number; got "two"/],
    [['a.wav', '--seconds', 'ten'], /--seconds must be a number; got "ten"/],
    [['a.wav', '--seconds=0'], /--seconds is how long to record, so it must be above 0; got 0/],
    [['a.wav', '--seconds', '-1'], /--seconds is how long to record, so it must be above 0; got -1$/m],
    [['a.wav', '-s', '-0.5'], /--seconds is how long to record, so it must be above 0; got -0\.5$/m],
    [['a.wav', '--seconds', '1e9'], /--seconds must be at most \d+ at 48000 Hz/],
    [['a.wav', '--device', ' '], /--device must name a device/],
    [['a.wav', '--app-id', 'no spaces please'], /--app-id must be/],
    [['a.wav', '--help=yes'], /--help takes no value/],
  ])('refuses %j with status 2, naming the problem', async (args, message) => {
    const result = await record(...args.map((arg) => (arg.endsWith('.wav') ? join(dir.path, arg) : arg)));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('micgate-record --help');
    expect(existsSync(join(dir.path, 'a.wav'))).toBe(false);
  });
});

describe('micgate-record output file, checked before anything is asked', () => {
  it('refuses to replace an existing file without --force, and leaves it untouched', async () => {
    const out = join(dir.path, 'keep.wav');
    writeFileSync(out, 'precious');
    const result = await record(out, '--seconds', '0.1');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `micgate-record: ${out} already exists; add --force to replace it, or name another file.\n`,
    );
    expect(readFileSync(out, 'utf8')).toBe('precious');
  });

  it('refuses a folder and a missing folder, status 2, nothing created', async () => {
    expect((await record(dir.path, '--seconds', '0.1')).stderr).toMatch(
      /is a folder; name a file in it, e\.g\. .*\/take\.wav/,
    );
    const missing = await record(join(dir.path, 'no', 'x.wav'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/the folder for .*no\/x\.wav does not exist/);
    expect(existsSync(join(dir.path, 'no'))).toBe(false);
  });

  it('asks nothing before refusing: no question, no decision stored', async () => {
    writeFileSync(join(dir.path, 'a.wav'), '');
    const result = await record(join(dir.path, 'a.wav'));
    expect(result.stderr).not.toMatch(/Allow\?|cannot ask/);
    expect(existsSync(join(dir.path, 'config'))).toBe(false);
  });
});
