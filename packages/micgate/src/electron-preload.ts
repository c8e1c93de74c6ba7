export * from '@micgate/electron/preload';
