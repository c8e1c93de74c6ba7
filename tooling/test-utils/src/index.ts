// Signal analysis for micgate's own tests (apps, adapters). The measure is the conformance suite's,
// re-exported: one copy, so a test measures a tone exactly as the suite does. Helpers only tests
// need belong here, not in the published suite.
export { channelOf, concat, estimateFrequency, measureTone } from '@micgate/conformance';
