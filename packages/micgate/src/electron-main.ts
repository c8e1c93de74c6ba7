export * from '@micgate/electron/main';
