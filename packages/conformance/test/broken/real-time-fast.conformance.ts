import { describeConformance } from '../../src/index.js';
import { mockHarness } from '../mock-harness.js';

describeConformance('mock with fault fast, on real time', mockHarness({ fault: 'fast', time: 'real' }));
