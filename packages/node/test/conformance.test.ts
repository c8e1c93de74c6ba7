import { describeConformance } from '@micgate/conformance';
import { describe, inject, test } from 'vitest';
import { nodeHarnessFactory } from './node-harness.js';

const rigDir = inject('rigDir');

if (rigDir === '') {
  describe('micgate conformance: node', () => {
    test.skipIf(true)(`not run: no audio rig (${inject('rigUnavailable')})`, () => {});
  });
} else {
  describeConformance('node (PortAudio on the PulseAudio rig)', nodeHarnessFactory(rigDir));
}
