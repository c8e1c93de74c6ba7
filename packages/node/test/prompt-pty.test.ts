import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finished, packageDir, waitFor } from './helpers.js';

const fixture = join(packageDir, 'test', 'fixtures', 'ask.mjs');
const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript) console.log('util-linux `script` is missing: the pseudo-terminal prompt tests cannot run');

/** Run the fixture under a real pseudo-terminal (util-linux `script`), type `keys` once it asks. */
async function askOnPty(keys: string) {
  const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(fixture)}`, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TERM: 'dumb' },
  });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  const done = finished(child, 20_000);
  await waitFor(() => (screen.includes('Allow? [y/N]') ? true : undefined), 15_000, `the question on the terminal (so far: ${screen})`);
  child.stdin.write(keys);
  const result = await done;
  child.stdin.end();
  return { screen, code: result.code };
}

describe.skipIf(!hasScript)('the prompt on a real pseudo-terminal', () => {
  it('shows the question on the terminal and takes "y" as a grant', async () => {
    const { screen, code } = await askOnPty('y\r');
    expect(screen).toContain('“pty-check” would like to use the microphone. To test the prompt on a real terminal. Allow? [y/N]');
    expect(screen).toContain('RESULT granted');
    expect(code).toBe(0);
  });

  it('takes Enter alone as "don\'t allow"', async () => {
    const { screen } = await askOnPty('\r');
    expect(screen).toContain('RESULT denied');
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
    const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(fixture)} < /dev/null`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const result = await finished(child, 20_000);
    expect(result.stdout).toMatch(/ERROR PromptUnavailableError: .*no terminal/);
    expect(result.stdout).not.toContain('Allow? [y/N]');
  });
});
