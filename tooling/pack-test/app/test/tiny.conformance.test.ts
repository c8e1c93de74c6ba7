import { describeConformance } from '@micgate/conformance';
import { createTinyHarness } from './tiny-harness.js';

describeConformance('tiny (an adapter written in the installing project)', createTinyHarness);
