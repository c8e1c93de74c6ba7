// The conformance suite in the WebKit page: the same suite functions Vitest runs in Chromium and
// Firefox, collected by the webkit-rig's runner ('vitest' is its shim in this bundle).
import { describeConformance } from '@micgate/conformance';
import { webkitHarness } from '@micgate/webkit-rig/harness';
import { serveTests } from '@micgate/webkit-rig/runner';
import { createBrowserAdapter } from '../../src/index.js';

describeConformance(
  'browser (WebKit)',
  webkitHarness({
    makeAdapter: (microphone) =>
      createBrowserAdapter({ getUserMedia: microphone.getUserMedia, explain: microphone.explain }),
  }),
);
void serveTests();
