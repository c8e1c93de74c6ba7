import type { ConformanceHarness, PromptAnswer } from 'micgate/conformance';
import { VirtualClock } from 'micgate/mock';
import type { RecordPermission } from 'micgate';
import { TinyAdapter, TinyWorld } from '../src/tiny-adapter.js';

const DECISION: Record<PromptAnswer, RecordPermission> = { grant: 'granted', deny: 'denied', dismiss: 'undetermined' };

/** The harness for the project's own adapter, on virtual time (the mock's clock). */
export async function createTinyHarness(): Promise<ConformanceHarness> {
  const clock = new VirtualClock();
  const world = new TinyWorld(clock);
  const queued: { answer: PromptAnswer; delayMs: number }[] = [];
  world.onPromptOpened = () => {
    const next = queued.shift();
    if (next) clock.schedule(() => world.answer?.(DECISION[next.answer]), next.delayMs);
  };
  const never = 'the tiny adapter has one synthetic device that never fails';
  return {
    adapter: new TinyAdapter(world),
    scheduler: clock,
    clock,
    format: { sampleRate: 48_000, channels: 1, framesPerBuffer: 480 },
    can: { dismiss: true, faults: { notFound: false, busy: false, lost: false }, observeDeviceOpen: true },
    reasons: { notFound: never, busy: never, lost: never },
    user: {
      answerNextPrompt: async (answer, options) => void queued.push({ answer, delayMs: options?.delayMs ?? 0 }),
      prompts: async () => [...world.prompts],
      setDecisionOutsideApp: async (decision) => world.changeSetting(decision),
    },
    device: {
      playSine: async (frequency) => {
        world.frequency = frequency;
        return { frequency, rms: world.amplitude / Math.SQRT2 };
      },
      isOpen: async () => world.openStreams > 0,
      opens: async () => world.opens,
    },
    relaunch: async () => new TinyAdapter(world),
    dispose: async () => {
      if (clock.pending !== 0) throw new Error(`${clock.pending} scheduled task(s) outlived the test`);
    },
  };
}
