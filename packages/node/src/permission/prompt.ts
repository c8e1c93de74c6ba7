import { createInterface } from 'node:readline';
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

/** The question as shown: `“recorder” would like to use the microphone. <purpose> Allow? [y/N] `. */
export function promptText({ appName, usageDescription }: PromptQuestion): string {
  return `“${printable(appName)}” would like to use the microphone. ${printable(usageDescription)} Allow? [y/N] `;
}

/** Whether the default streams (or the given ones) can hold a conversation with a person. */
export function canPromptOn(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): boolean {
  return isTTY(input) && isTTY(output);
}

/**
 * Ask on the terminal. y/yes → 'granted'; n/no/empty → 'denied'; end of input, Ctrl-C or Ctrl-D
 * → 'undetermined' (dismissed); on a plain stream a line holding \u0003 or \u0004 dismisses too,
 * so a played user can dismiss without ending the stream. Anything else asks again. Without a terminal it rejects with
 * `PromptUnavailableError` instead of guessing.
 */
export function askInTerminal(question: PromptQuestion, options: TerminalPromptOptions = {}): Promise<RecordPermission> {
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
    const terminal = isTTY(input) && isTTY(output);
    const lines = createInterface({ input, output, terminal, historySize: 0 });
    let settled = false;
    const finish = (answer: RecordPermission, endLine: boolean) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // The cursor is still after the question when the user closed it without pressing Enter.
      if (endLine) output.write('\n');
      lines.close();
      resolve(answer);
    };
    const onAbort = () => finish('undetermined', true);
    signal?.addEventListener('abort', onAbort, { once: true });
    lines.on('line', (line) => {
      // On a plain stream (a test or harness playing the user) Ctrl-C/Ctrl-D arrive as characters.
      if (line.includes('\u0003') || line.includes('\u0004')) return finish('undetermined', true);
      const answer = parseAnswer(line);
      if (answer) finish(answer, false);
      else lines.prompt();
    });
    lines.on('SIGINT', () => finish('undetermined', true)); // Ctrl-C in raw mode
    lines.on('close', () => finish('undetermined', true)); // end of input, Ctrl-D
    lines.setPrompt(promptText(question));
    lines.prompt();
    // Re-asking after an unclear answer shows a hint first.
    lines.setPrompt(`Please answer y (allow) or n (don't allow). ${promptText(question)}`);
  });
}

function parseAnswer(line: string): 'granted' | 'denied' | undefined {
  const answer = line.trim().toLowerCase();
  if (answer === 'y' || answer === 'yes') return 'granted';
  if (answer === '' || answer === 'n' || answer === 'no') return 'denied';
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
