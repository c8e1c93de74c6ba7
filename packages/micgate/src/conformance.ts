export * from '@micgate/conformance';
