import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { type AudioRig, attachRig } from '@micgate/audio-rig';
import type { ConformanceHarness, DeviceFault, PromptAnswer } from '@micgate/conformance';
import type { AudioFormat, RecordPermission } from '@micgate/core';
import { createNodeAdapter, type NodeAdapter } from '../src/adapter.js';
import { captureStats } from '../src/capture/index.js';
import { runMicgate } from '../src/cli/run.js';

const APP_ID = 'micgate-conformance';
const QUESTION_END = 'Allow? [y/n] ';
const PURPOSE_START = 'would like to use the microphone. ';
const TYPED: Record<PromptAnswer, string> = { grant: 'y\n', deny: 'n\n', dismiss: '\u0003\n' };

/** The rig's source is 48 kHz mono; 480 frames is 10 ms. */
export const NODE_FORMAT: AudioFormat = { sampleRate: 48_000, channels: 1, framesPerBuffer: 480 };

/**
 * A person at the terminal: reads the questions the adapter writes and types the queued answers
 * into the adapter's input, `delayMs` after the question appeared.
 */
class PlayedTerminal {
  readonly input = new PassThrough();
  readonly output: Writable;
  readonly purposes: string[] = [];
  private screen = '';
  private readonly queued: { answer: PromptAnswer; delayMs: number }[] = [];
  private open: { at: number; answered: boolean } | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor() {
    this.output = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.screen += chunk.toString('utf8');
        this.readScreen();
        done();
      },
    });
  }

  answerNext(answer: PromptAnswer, delayMs: number): void {
    if (this.open && !this.open.answered) this.type(answer, Math.max(0, this.open.at + delayMs - performance.now()));
    else this.queued.push({ answer, delayMs });
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.input.end();
  }

  private readScreen(): void {
    for (let end = this.screen.indexOf(QUESTION_END); end >= 0; end = this.screen.indexOf(QUESTION_END)) {
      const question = this.screen.slice(0, end);
      this.screen = this.screen.slice(end + QUESTION_END.length);
      const start = question.lastIndexOf(PURPOSE_START);
      this.purposes.push(start >= 0 ? question.slice(start + PURPOSE_START.length).trim() : question.trim());
      this.open = { at: performance.now(), answered: false };
      const next = this.queued.shift();
      if (next) this.type(next.answer, next.delayMs);
    }
  }

  private type(answer: PromptAnswer, delayMs: number): void {
    if (this.open) this.open.answered = true;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.input.write(TYPED[answer]);
    }, delayMs);
    this.timers.add(timer);
  }
}

/** Runs `micgate grant|deny|reset APP` (the settings command) against the harness's config folder. */
async function settings(xdgConfigHome: string, decision: RecordPermission): Promise<void> {
  const command = decision === 'granted' ? 'grant' : decision === 'denied' ? 'deny' : 'reset';
  let errors = '';
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const stderr = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      errors += chunk.toString('utf8');
      done();
    },
  });
  // --force: the suite decides for the app before it has run, which `micgate` otherwise refuses as a likely typo.
  const args = command === 'reset' ? [command, APP_ID] : [command, APP_ID, '--force'];
  const status = await runMicgate(args, { stdout: sink, stderr, env: { XDG_CONFIG_HOME: xdgConfigHome } });
  if (status !== 0) throw new Error(`micgate ${command} ${APP_ID} exited ${status}: ${errors}`);
}

/**
 * The Node platform for the conformance suite: the real adapter (terminal prompt played through
 * streams, a decision store in a fresh XDG_CONFIG_HOME, PortAudio capture) on the PulseAudio rig.
 */
export function nodeHarnessFactory(rigDir: string): () => Promise<ConformanceHarness> {
  return async () => {
    const rig: AudioRig = attachRig(rigDir);
    const xdgConfigHome = await mkdtemp(join(tmpdir(), 'micgate-conformance-'));
    const configDir = join(xdgConfigHome, 'micgate');
    const terminal = new PlayedTerminal();
    const adapters: NodeAdapter[] = [];
    let unplugged = false;
    let added = false;
    let signalChanged = false;
    const openedBefore = captureStats().opened;
    const newAdapter = () => {
      const adapter = createNodeAdapter({
        appId: APP_ID,
        configDir,
        input: terminal.input,
        output: terminal.output,
        interactive: true,
        onError: () => {},
      });
      adapters.push(adapter);
      return adapter;
    };
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

    return {
      adapter: newAdapter(),
      user: {
        async answerNextPrompt(answer, options) {
          terminal.answerNext(answer, options?.delayMs ?? 0);
        },
        async prompts() {
          return [...terminal.purposes];
        },
        setDecisionOutsideApp: (decision) => settings(xdgConfigHome, decision),
      },
      device: {
        async playSine(frequency) {
          const { rms } = await rig.setSine(frequency, 0.5);
          return { frequency, rms };
        },
        // The rig's feeder writes float32 to PulseAudio: amplitude 0 is exact digital zeros.
        async playSilence() {
          signalChanged = true;
          await rig.setSine(440, 0);
        },
        // A 440 Hz sine at amplitude 0.001 (about −63 dBFS RMS): quiet, never a long run of exact zeros.
        async playQuiet() {
          signalChanged = true;
          await rig.setSine(440, 0.001);
        },
        async isOpen() {
          return captureStats().openStreams > 0;
        },
        async opens() {
          return captureStats().opened - openedBefore;
        },
        // Both are real: the rig removes the virtual microphone from PulseAudio. Opening then
        // fails (PortAudio: host error EIO), and an open stream stops (PortAudio ends the stream).
        // The rig removes its virtual microphone from PulseAudio, and loads it again.
        async unplug() {
          unplugged = true;
          await rig.unplug();
        },
        async replug() {
          await rig.replug();
          unplugged = false;
        },
        // A second PulseAudio source (its own sine) plugged in while the adapter runs.
        async addDevice() {
          const frequency = (await rig.status()).frequency === 1000 ? 660 : 1000;
          await rig.addSource('conformance-second', { frequency, description: 'Conformance second input' });
          added = true;
          return { frequency, rms: 0.5 / Math.SQRT2 };
        },
        async removeDevice() {
          added = false;
          await rig.removeSource('conformance-second');
        },
        async injectFault(fault: DeviceFault) {
          if (fault === 'busy') throw new Error('a busy device cannot be produced on PulseAudio, which shares sources');
          unplugged = true;
          await rig.unplug();
        },
      },
      clock: { now: () => performance.now(), advance: sleep },
      can: { dismiss: true, faults: { notFound: true, busy: false, lost: true }, observeDeviceOpen: true },
      reasons: { busy: 'PulseAudio shares a source between every client, so no device can be made busy' },
      timing: { slackMs: 1_000 },
      format: NODE_FORMAT,
      async relaunch() {
        return newAdapter();
      },
      async dispose() {
        for (const adapter of adapters) adapter.close();
        terminal.dispose();
        if (unplugged) await rig.replug();
        if (added) await rig.removeSource('conformance-second');
        // The rig's default signal, for the next test.
        if (signalChanged) await rig.setSine(440, 0.5);
        await rm(xdgConfigHome, { recursive: true, force: true });
      },
    };
  };
}
