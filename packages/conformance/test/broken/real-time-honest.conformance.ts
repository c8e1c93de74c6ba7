import { describeConformance } from '../../src/index.js';
import { mockHarness } from '../mock-harness.js';

describeConformance('mock on real time', mockHarness({ time: 'real' }));
