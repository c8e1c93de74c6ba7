export { channelOf as channel, concat, estimateFrequency } from '@micgate/conformance';

export const monotonicSeconds = (): number => Number(process.hrtime.bigint()) / 1e9;
