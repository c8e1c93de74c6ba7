import { describeConformance } from '../src/index.js';
import { mockHarness } from './mock-harness.js';

// The honest mock on virtual time: the whole suite in well under a second of real time.
describeConformance('mock', mockHarness());
