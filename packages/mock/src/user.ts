import { InvalidArgumentError, isRecordPermission, type PromptRequest, type RecordPermission } from '@micgate/core';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { MockDecisionStore } from './decisions.js';

/** How the played user answers: Allow, Don't Allow, or closing the prompt without deciding. */
export type MockAnswer = 'grant' | 'deny' | 'dismiss';

export interface PromptRecord {
  usageDescription: string;
  appName: string | undefined;
  /** Scheduler time (ms) the prompt opened. */
  openedAt: number;
  /** How it was answered ('dismiss' also when the app closed it); undefined while it is open. */
  answer: MockAnswer | undefined;
}

const ANSWER_TO_PERMISSION: Record<MockAnswer, RecordPermission> = {
  grant: 'granted',
  deny: 'denied',
  dismiss: 'undetermined',
};

/** The played user: answers prompts, changes the decision in "Settings", and remembers every prompt shown. */
export class MockUser {
  private readonly scripted: { answer: MockAnswer; delayMs: number }[] = [];
  private readonly shown: PromptRecord[] = [];
  private readonly open = new Map<PromptRecord, (answer: MockAnswer) => void>();

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly decisions: MockDecisionStore,
    private readonly appId: string,
  ) {}

  /** Answer the next prompt `delayMs` after it opens. Calls queue answers for successive prompts. */
  answerNextPrompt(answer: MockAnswer, options: { delayMs?: number } = {}): void {
    checkAnswer(answer);
    const delayMs = options.delayMs ?? 0;
    if (!Number.isFinite(delayMs) || delayMs < 0)
      throw new InvalidArgumentError('delayMs', delayMs, 'a number of milliseconds ≥ 0');
    this.scripted.push({ answer, delayMs });
  }

  /** Answer every prompt open right now; returns how many there were. */
  answerOpenPrompts(answer: MockAnswer): number {
    checkAnswer(answer);
    const waiting = [...this.open.values()];
    for (const respond of waiting) respond(answer);
    return waiting.length;
  }

  /** Every prompt shown so far, oldest first. */
  get prompts(): readonly PromptRecord[] {
    return this.shown;
  }

  get isPromptOpen(): boolean {
    return this.open.size > 0;
  }

  /** A change made outside the app, as in Settings > Privacy > Microphone (or a reset). */
  changeSetting(decision: RecordPermission): void {
    if (!isRecordPermission(decision)) {
      throw new InvalidArgumentError('decision', decision, "'undetermined', 'denied' or 'granted'");
    }
    this.decisions.set(this.appId, decision, 'settings');
  }

  /** @internal Shows a prompt; resolves with the user's answer, or 'undetermined' when `signal` closes it first. */
  show(request: PromptRequest, signal?: AbortSignal): Promise<RecordPermission> {
    const record: PromptRecord = {
      usageDescription: request.usageDescription,
      appName: request.appName,
      openedAt: this.scheduler.now(),
      answer: undefined,
    };
    this.shown.push(record);
    return new Promise<RecordPermission>((resolve) => {
      let timer: Subscription | undefined;
      const respond = (answer: MockAnswer) => {
        if (record.answer !== undefined) return;
        record.answer = answer;
        this.open.delete(record);
        timer?.unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        const decision = ANSWER_TO_PERMISSION[answer];
        if (decision !== 'undetermined') this.decisions.set(this.appId, decision, 'prompt');
        resolve(decision);
      };
      const onAbort = () => respond('dismiss');
      this.open.set(record, respond);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) return onAbort();
      const script = this.scripted.shift();
      if (script) timer = this.scheduler.schedule(() => respond(script.answer), script.delayMs);
    });
  }
}

function checkAnswer(answer: MockAnswer): void {
  // Own keys only: `in` would also accept 'toString', 'constructor', '__proto__'.
  if (typeof answer !== 'string' || !Object.hasOwn(ANSWER_TO_PERMISSION, answer))
    throw new InvalidArgumentError('answer', answer, "'grant', 'deny' or 'dismiss'");
}
