import { PassThrough } from 'node:stream';
import { PromptUnavailableError } from '@micgate/core';
import { describe, expect, it } from 'vitest';
import { askInTerminal, promptText } from '../src/permission/index.js';
import { waitFor } from './helpers.js';

const question = { appName: 'recorder', usageDescription: 'To record voice memos.' };

/** Plays the user on plain streams: waits for the question, then types `typed`. */
async function answer(typed: string | null, extra: { signal?: AbortSignal } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
  const result = askInTerminal(question, { input, output, interactive: true, ...extra });
  await waitFor(() => (shown.includes('Allow? [y/n]') ? true : undefined), 2000, 'the question');
  if (typed === null) input.end();
  else input.write(typed);
  return { result: await result, shown, input };
}

describe('the terminal prompt', () => {
  it('names the app and shows the purpose string', () => {
    expect(promptText(question)).toBe(
      '“recorder” would like to use the microphone. To record voice memos. Allow? [y/n] ',
    );
  });

  it('strips control characters that could drive the terminal', () => {
    expect(promptText({ appName: 'evil\u001b[2J', usageDescription: 'why\r\nnot\u0007' })).toBe(
      '“evil [2J” would like to use the microphone. why not Allow? [y/n] ',
    );
  });

  it.each([
    ['y\n', 'granted'],
    ['YES\n', 'granted'],
    ['  yes  \n', 'granted'],
    ['n\n', 'denied'],
    ['No\n', 'denied'],
    ['n\r\n', 'denied'],
  ])('answers %j as %s', async (typed, expected) => {
    const { result, shown } = await answer(typed);
    expect(result).toBe(expected);
    expect(shown).toBe(promptText(question));
  });

  it('asks again after an unclear answer', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
    const result = askInTerminal(question, { input, output, interactive: true });
    input.write('maybe\n');
    await waitFor(() => (shown.includes('Please answer y') ? true : undefined), 2000, 'the second question');
    input.write('y\n');
    expect(await result).toBe('granted');
    expect(shown.match(/Allow\? \[y\/n\]/g)).toHaveLength(2);
  });

  it('takes Enter alone as no answer: it asks again, repeating only the question', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
    const result = askInTerminal(question, { input, output, interactive: true });
    input.write('\n');
    await waitFor(() => (shown.split('Allow? [y/n]').length === 3 ? true : undefined), 2000, 'the question again');
    expect(shown).toBe(`${promptText(question)}\nAllow? [y/n] `);
    input.write('n\n');
    expect(await result).toBe('denied');
  });

  it('wraps the question at the given width, keeping "Allow? [y/n]" whole', () => {
    const text = promptText(
      {
        appName: 'micgate-record',
        usageDescription: 'micgate-record saves what the microphone hears to the WAV file you named.',
      },
      50,
    );
    const lines = text.split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(49);
    expect(text.endsWith('Allow? [y/n] ')).toBe(true);
    expect(text.replaceAll('\n', ' ')).toBe(
      promptText({
        appName: 'micgate-record',
        usageDescription: 'micgate-record saves what the microphone hears to the WAV file you named.',
      }),
    );
  });

  it('on a terminal, ignores an answer typed within 100 ms of the question', async () => {
    // A stand-in terminal (the real one is in prompt-pty.test.ts): the timing is what is tested here.
    const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => input });
    const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    let shown = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
    const result = askInTerminal(question, { input, output });
    await waitFor(() => (shown.includes('Allow? [y/n]') ? true : undefined), 2000, 'the question');
    input.write('y\r'); // at once: nobody reads that fast
    await new Promise((resolve) => setTimeout(resolve, 250));
    input.write('n\r');
    expect(await result).toBe('denied');
  });

  it('treats the end of input (Ctrl-D) as dismissed', async () => {
    const { result } = await answer(null);
    expect(result).toBe('undetermined');
  });

  it('takes a Ctrl-D or Ctrl-C line on a plain stream as dismissed, and the same streams serve the next question', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
    const options = { input, output, interactive: true };
    const first = askInTerminal(question, options);
    input.write('\u0004\n');
    expect(await first).toBe('undetermined');
    const second = askInTerminal(question, options);
    input.write('\u0003\n');
    expect(await second).toBe('undetermined');
    const third = askInTerminal(question, options);
    await waitFor(() => (shown.split('Allow? [y/n]').length === 4 ? true : undefined), 2000, 'the third question');
    input.write('y\n');
    expect(await third).toBe('granted');
  });

  it('closes as dismissed when the app aborts it', async () => {
    const controller = new AbortController();
    const input = new PassThrough();
    const output = new PassThrough();
    const result = askInTerminal(question, { input, output, interactive: true, signal: controller.signal });
    controller.abort();
    expect(await result).toBe('undetermined');
    expect(input.listenerCount('data')).toBe(0);
  });

  it('refuses with PromptUnavailableError when the streams are not terminals, never granting', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
    input.write('y\n'); // a pipe full of "yes" must not count as a person
    const error = await askInTerminal(question, { input, output }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PromptUnavailableError);
    expect((error as Error).message).toMatch(/“recorder”.*no terminal/);
    expect(shown).toBe('');
  });
});
