import { describeConformance } from '../../src/index.js';
import { mockHarness } from '../mock-harness.js';

describeConformance('mock with fault slow, on real time', mockHarness({ fault: 'slow', time: 'real' }));
