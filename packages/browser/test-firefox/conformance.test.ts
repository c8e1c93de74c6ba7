import { describeConformance } from '@micgate/conformance';
import { firefoxHarness } from '@micgate/firefox-rig/harness';
import { createBrowserAdapter } from '../src/index.js';

describeConformance(
  'browser (Firefox)',
  firefoxHarness({
    makeAdapter: (microphone) =>
      createBrowserAdapter({ getUserMedia: microphone.getUserMedia, explain: microphone.explain }),
  }),
);
