import { describeConformance } from '../../src/index.js';
import { mockHarness } from '../mock-harness.js';

describeConformance('mock with fault undeclaredDevices', mockHarness({ fault: 'undeclaredDevices' }));
