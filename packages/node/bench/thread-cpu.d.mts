export interface ThreadCpu {
  /** The JS thread. */
  js: number;
  /** Every other thread of the process together. */
  other: number;
}
export function threadCpuSeconds(): ThreadCpu | undefined;
export function threadCpuSince(before: ThreadCpu | undefined, after?: ThreadCpu | undefined): ThreadCpu | undefined;
