export function youngGenerationBytes(): number;
export function allocatedSince(before: number, after?: number): number | undefined;
