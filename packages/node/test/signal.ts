export { channelOf as channel, concat, estimateFrequency } from '@micgate/test-utils';

export const monotonicSeconds = (): number => Number(process.hrtime.bigint()) / 1e9;
