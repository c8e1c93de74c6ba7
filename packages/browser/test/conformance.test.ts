import { describeConformance } from '@micgate/conformance';
import { createBrowserAdapter } from '../src/index.js';
import { chromiumHarness } from '@micgate/chromium-rig/harness';

describeConformance(
  'browser (Chromium)',
  chromiumHarness({
    makeAdapter: (gate) => createBrowserAdapter({ getUserMedia: gate.getUserMedia, explain: gate.explain }),
  }),
);
