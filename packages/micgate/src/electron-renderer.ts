export * from '@micgate/electron/renderer';
