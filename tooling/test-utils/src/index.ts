// Signal analysis for micgate's own tests. The measure is the conformance suite's (one copy, so an
// app's test measures a tone exactly as the suite does); what only tests need lives here.
export { channelOf, concat, estimateFrequency, measureTone } from '@micgate/conformance';
export { dominantFrequency, sineWave } from './tones.js';
