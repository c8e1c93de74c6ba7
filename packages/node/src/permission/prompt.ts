import { StringDecoder } from 'node:string_decoder';
import { PromptUnavailableError, type RecordPermission } from '@micgate/core';

export interface TerminalPromptOptions {
  /** Where the answer is read; default `process.stdin`. */
  input?: NodeJS.ReadableStream;
  /** Where the question is written; default `process.stderr` (stdout may be a pipe of data). */
  output?: NodeJS.WritableStream;
  /**
   * Whether a person can answer. Default: both streams are terminals. Tests set it to play the
   * user through plain streams; never set it for a real pipe, or nobody will answer.
   */
  interactive?: boolean;
  /** Closing the prompt from the app's side: it resolves as dismissed. */
  signal?: AbortSignal;
}

export interface PromptQuestion {
  appName: string;
  usageDescription: string;
}

/** The end of every question, and all that a re-ask repeats. */
export const PROMPT_QUESTION = 'Allow? [y/n] ';
const HINT = "Please answer y (allow) or n (don't allow). ";

/**
 * On a terminal, answers typed sooner than this after the question appeared are not taken:
 * nobody reads a question that fast, so they were typed ahead (for something else).
 */
const READING_MS = 100;

/**
 * The question as shown: `“recorder” would like to use the microphone. <purpose> Allow? [y/n] `,
 * word-wrapped to fit `columns` (a terminal's width) when given.
 */
export function promptText({ appName, usageDescription }: PromptQuestion, columns?: number): string {
  return wrap(
    `“${printable(appName)}” would like to use the microphone. ${printable(usageDescription)}`,
    columns,
    PROMPT_QUESTION,
  );
}

/** Whether the default streams (or the given ones) can hold a conversation with a person. */
export function canPromptOn(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): boolean {
  return isTTY(input) && isTTY(output);
}

/**
 * Ask on the terminal. y/yes → 'granted'; n/no → 'denied'. Enter alone is no answer: it asks
 * again (only the question); anything else asks again with a hint. Ctrl-C, Ctrl-D, the end of
 * input or the app's `signal` → 'undetermined' (dismissed, not remembered). On a terminal, what
 * was typed before the question appeared, or within 100 ms of it, is discarded. Without a
 * terminal it rejects with `PromptUnavailableError` instead of guessing.
 */
export function askInTerminal(
  question: PromptQuestion,
  options: TerminalPromptOptions = {},
): Promise<RecordPermission> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  const interactive = options.interactive ?? canPromptOn(input, output);
  if (!interactive) {
    return Promise.reject(
      new PromptUnavailableError(
        `cannot ask whether “${printable(question.appName)}” may use the microphone: no terminal to ask on (stdin and stderr must be a TTY)`,
      ),
    );
  }
  const { signal } = options;
  if (signal?.aborted) return Promise.resolve('undetermined');

  return new Promise<RecordPermission>((resolve) => {
    // A real terminal: raw mode, so we see each key (and type-ahead) and echo what we take.
    const terminal = isTTY(input) && isTTY(output);
    const tty = input as NodeJS.ReadStream;
    const wasRaw = terminal ? tty.isRaw === true : false;
    const decoder = new StringDecoder('utf8');
    const columns = () => (terminal ? (output as NodeJS.WriteStream).columns : undefined);
    let line = '';
    let acceptFrom = terminal ? Number.POSITIVE_INFINITY : 0;
    let afterCR = false;
    let keyEscape: 'none' | 'start' | 'csi' = 'none';
    let settled = false;
    let started: NodeJS.Immediate | undefined;

    const echo = (text: string) => {
      if (terminal) output.write(text);
    };
    const finish = (answer: RecordPermission, endLine: boolean) => {
      if (settled) return;
      settled = true;
      if (started) clearImmediate(started);
      signal?.removeEventListener('abort', onAbort);
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('close', onEnd);
      if (terminal && !wasRaw) tty.setRawMode(false);
      input.pause();
      // The cursor is still after the question when it was closed without Enter.
      if (endLine) output.write('\n');
      resolve(answer);
    };
    const ask = (text: string) => {
      output.write(text);
      if (terminal) acceptFrom = Date.now() + READING_MS;
    };
    const submit = () => {
      const answer = parseAnswer(line);
      const typed = line.trim();
      line = '';
      echo('\r\n');
      if (answer) return finish(answer, false);
      // Enter alone: ask again, only the question. Anything else: say what is wanted.
      ask(`${terminal ? '' : '\n'}${typed === '' ? PROMPT_QUESTION : wrap(HINT.trim(), columns(), PROMPT_QUESTION)}`);
    };
    const onKey = (key: string) => {
      // Ctrl-C and Ctrl-D dismiss at any time: a dismissal decides nothing.
      if (key === '\u0003' || key === '\u0004') return finish('undetermined', true);
      if (keyEscape !== 'none') {
        // Skip an escape sequence (arrow keys and such): ESC [ params final, or ESC x.
        if (keyEscape === 'start') keyEscape = key === '[' || key === 'O' ? 'csi' : 'none';
        else if (key >= '@' && key <= '~') keyEscape = 'none';
        return;
      }
      if (key === '\u001b') {
        keyEscape = 'start';
        return;
      }
      const wasCR = afterCR;
      afterCR = key === '\r';
      if (Date.now() < acceptFrom) {
        line = ''; // typed ahead: not an answer to this question
        return;
      }
      if (key === '\n' && wasCR) return; // \r\n is one Enter
      if (key === '\r' || key === '\n') return submit();
      if (key === '\u007f' || key === '\b') {
        if (line.length > 0) {
          line = [...line].slice(0, -1).join('');
          echo('\b \b');
        }
        return;
      }
      if (key === '\u0015') {
        echo('\b \b'.repeat([...line].length));
        line = '';
        return;
      }
      if (key < ' ' || (key >= '\u007f' && key <= '\u009f')) return;
      if (line.length < 200) {
        line += key;
        echo(key);
      }
    };
    const onData = (chunk: Buffer | string) => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      for (const key of text) {
        if (settled) return;
        onKey(key);
      }
    };
    const onEnd = () => finish('undetermined', true);
    const onAbort = () => finish('undetermined', true);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (terminal && !wasRaw) tty.setRawMode(true);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('close', onEnd);
    input.resume();
    if (terminal) {
      // Let input already waiting in the terminal arrive first (it is discarded), then ask.
      started = setImmediate(() => {
        started = undefined;
        ask(promptText(question, columns()));
      });
    } else {
      ask(promptText(question));
    }
  });
}

function parseAnswer(line: string): 'granted' | 'denied' | undefined {
  const answer = line.trim().toLowerCase();
  if (answer === 'y' || answer === 'yes') return 'granted';
  if (answer === 'n' || answer === 'no') return 'denied';
  return undefined;
}

function isTTY(stream: NodeJS.ReadableStream | NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Control characters in a name or purpose string could move the cursor or recolour the terminal. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

/**
 * `text` then `question`, word-wrapped to `columns` − 1 characters a line (a line exactly as wide
 * as the terminal leaves the cursor in a pending wrap). The question stays whole, with its
 * trailing space for the answer.
 */
function wrap(text: string, columns: number | undefined, question: string): string {
  if (columns === undefined || !Number.isFinite(columns) || columns < 2) return `${text} ${question}`;
  const width = Math.max(16, columns - 1);
  const lines: string[] = [];
  let current = '';
  const glue = '\u0000'; // keeps "Allow? [y/n]" on one line
  for (const word of [...text.split(/ +/), question.trimEnd().replaceAll(' ', glue)]) {
    const chars = [...word];
    if (current !== '' && [...current].length + 1 + chars.length > width) {
      lines.push(current);
      current = '';
    }
    let rest = chars;
    while (rest.length > width) {
      if (current !== '') lines.push(current);
      lines.push(rest.slice(0, width).join(''));
      current = '';
      rest = rest.slice(width);
    }
    current = current === '' ? rest.join('') : `${current} ${rest.join('')}`;
  }
  lines.push(current);
  return `${lines.join('\n').replaceAll(glue, ' ')} `;
}
