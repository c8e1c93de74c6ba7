import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finished, packageDir, waitFor } from './helpers.js';

const fixture = join(packageDir, 'test', 'fixtures', 'ask.mjs');
const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript) console.log('util-linux `script` is missing: the pseudo-terminal prompt tests cannot run');

/** Run the fixture under a real pseudo-terminal (util-linux `script`), type `keys` once it asks. */
async function askOnPty(keys: string, { columns = 80, typeAhead = '', afterMs = 0 } = {}) {
  const command = `stty cols ${columns}; ${JSON.stringify(process.execPath)} ${JSON.stringify(fixture)} ${typeAhead ? 1500 : 0}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TERM: 'dumb' },
  });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  const done = finished(child, 20_000);
  if (typeAhead) {
    // Typed while the app is still starting, before any question is on the screen.
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.stdin.write(typeAhead);
  }
  await waitFor(
    () => (/Allow\? \[y\/n\]/.test(screen) ? true : undefined),
    15_000,
    `the question on the terminal (so far: ${screen})`,
  );
  // A person reads the question first; answers faster than ~100 ms are not taken.
  await new Promise((resolve) => setTimeout(resolve, 250 + afterMs));
  child.stdin.write(keys);
  const result = await done;
  child.stdin.end();
  return { screen, code: result.code };
}

describe.skipIf(!hasScript)('the prompt on a real pseudo-terminal', () => {
  it('shows the question on the terminal and takes "y" as a grant', async () => {
    const { screen, code } = await askOnPty('y\r');
    // Wrapped at the terminal's 80 columns.
    expect(screen.replace(/\r?\n/g, ' ')).toContain(
      '“pty-check” would like to use the microphone. To test the prompt on a real terminal. Allow? [y/n]',
    );
    expect(screen).toContain('RESULT granted');
    expect(code).toBe(0);
  });

  it('takes Enter alone as no answer: it asks again, repeating only the question', async () => {
    const child = spawn(
      'script',
      ['-qfec', `stty cols 80; ${JSON.stringify(process.execPath)} ${JSON.stringify(fixture)}`, '/dev/null'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, TERM: 'dumb' },
      },
    );
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
    const done = finished(child, 20_000);
    const questions = () => screen.split(/Allow\? \[y\/n\]/).length - 1;
    await waitFor(() => (questions() === 1 ? true : undefined), 15_000, 'the question');
    await new Promise((resolve) => setTimeout(resolve, 250));
    child.stdin.write('\r');
    await waitFor(
      () => (questions() === 2 || screen.includes('RESULT') ? true : undefined),
      5000,
      'the question again',
    );
    expect(screen).not.toContain('RESULT');
    expect(screen.split('would like to use the microphone').length - 1).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    child.stdin.write('n\r');
    await done;
    expect(screen).toContain('RESULT denied');
  });

  it('discards what was typed before the question appeared (type-ahead)', async () => {
    const { screen } = await askOnPty('n\r', { typeAhead: 'y\r' });
    expect(screen).toContain('RESULT denied');
    expect(screen).not.toContain('RESULT granted');
  });

  it('wraps the question at the terminal width', async () => {
    const { screen } = await askOnPty('y\r', { columns: 40 });
    const asked = screen.slice(screen.indexOf('ASKING') + 'ASKING'.length, screen.indexOf('RESULT'));
    const lines = asked.split(/\r?\n/).map((line) => line.replace(/\r/g, ''));
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    expect(lines.filter((line) => line.trim() !== '').length).toBeGreaterThan(1);
    expect(screen).toContain('RESULT granted');
  });

  it('takes Ctrl-C as dismissed, without killing the app', async () => {
    const { screen, code } = await askOnPty('\u0003');
    expect(screen).toContain('RESULT undetermined');
    expect(code).toBe(0);
  });

  it('takes Ctrl-D as dismissed', async () => {
    const { screen } = await askOnPty('\u0004');
    expect(screen).toContain('RESULT undetermined');
  });

  it('refuses when stdin is not a terminal even though stderr is', async () => {
    const child = spawn(
      'script',
      ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(fixture)} < /dev/null`, '/dev/null'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const result = await finished(child, 20_000);
    expect(result.stdout).toMatch(/ERROR PromptUnavailableError: .*no terminal/);
    expect(result.stdout).not.toContain('Allow? [y/n]');
  });
});
