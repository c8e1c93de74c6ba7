export * from '@micgate/mock';
