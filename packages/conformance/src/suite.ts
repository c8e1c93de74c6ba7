import { afterAll, afterEach, beforeEach, describe } from 'vitest';
import { SuiteContext } from './context.js';
import { abortTests } from './features/abort.js';
import { captureTests } from './features/capture.js';
import { deviceChangeTests } from './features/device-changes.js';
import { deviceListTests } from './features/device-list.js';
import { deviceSelectionTests } from './features/device-selection.js';
import { deviceSilenceTests } from './features/device-silence.js';
import { deviceSurvivalTests } from './features/device-survival.js';
import { errorTests } from './features/errors.js';
import { isolationTests } from './features/isolation.js';
import { lifecycleTests } from './features/lifecycle.js';
import { manifestTests } from './features/manifest.js';
import { muteTests } from './features/mute.js';
import { outsideChangeTests } from './features/outside-changes.js';
import { promptTests } from './features/prompt.js';
import { recordingTests } from './features/recording.js';
import { relaunchTests } from './features/relaunch.js';
import { requestTests } from './features/requests.js';
import { silenceReasonTests } from './features/silence-reasons.js';
import { usageDescriptionTests } from './features/usage-description.js';
import type { CreateHarness } from './harness.js';

export { CONFORMANCE_PURPOSE } from './context.js';

export interface ConformanceOptions {
  /** Per-test timeout in real milliseconds. Default 30,000. */
  timeoutMs?: number;
}

/**
 * The promises every micgate adapter keeps (docs/design.md: R1–R14, the manifest and the capture
 * checks), as one Vitest suite. `createHarness` makes a fresh platform per test with the decision
 * undetermined. The adapter's own `supports` and what the rig can stage (`harness.can`) decide which
 * tests run; the others are reported as not run, with the reason.
 */
export function describeConformance(
  name: string,
  createHarness: CreateHarness,
  options: ConformanceOptions = {},
): void {
  describe(`micgate conformance: ${name}`, { timeout: options.timeoutMs ?? 30_000 }, () => {
    const c = new SuiteContext(name);
    beforeEach(async () => c.begin(await createHarness()));
    afterEach(() => c.end());
    afterAll(() => {
      if (c.notRun.length > 0) {
        console.info(`[micgate conformance: ${name}] not run:\n${c.notRun.map((line) => `  - ${line}`).join('\n')}`);
      }
    });

    manifestTests(c);
    requestTests(c);
    promptTests(c);
    relaunchTests(c);
    outsideChangeTests(c);
    recordingTests(c);
    usageDescriptionTests(c);
    lifecycleTests(c);
    errorTests(c);
    isolationTests(c);
    abortTests(c);
    captureTests(c);
    silenceReasonTests(c);
    muteTests(c);
    deviceSilenceTests(c);
    deviceListTests(c);
    deviceChangeTests(c);
    deviceSelectionTests(c);
    deviceSurvivalTests(c);
  });
}
