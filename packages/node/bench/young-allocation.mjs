// What the JS heap allocated between two readings, where no collection ran between them: new
// objects go to V8's young generation (new space, or its large-object space), which only a
// scavenge empties, so the growth of what it holds is what was allocated. Undefined when it shrank
// (a scavenge ran: the bytes are unknown).
import { getHeapSpaceStatistics } from 'node:v8';

export function youngGenerationBytes() {
  let used = 0;
  for (const space of getHeapSpaceStatistics())
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
      used += space.space_used_size;
  return used;
}

export function allocatedSince(before, after = youngGenerationBytes()) {
  return after >= before ? after - before : undefined;
}
