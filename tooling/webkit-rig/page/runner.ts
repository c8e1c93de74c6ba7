// Runs the collected tests (vitest-shim.ts), one per page load: `?test=N` runs test N and sends its
// outcome back, no `test` parameter sends the list. A fresh document per test is WebKit's fresh
// platform: WebKit remembers a denial for the document and refuses later requests without asking
// (unless they carry a user gesture) until the page is loaded again.
import { rig } from './rig.js';
import { collected, runTest } from './vitest-shim.js';

export async function serveTests(): Promise<void> {
  const wanted = new URLSearchParams(location.search).get('test');
  try {
    if (wanted === null) {
      await rig(
        'list',
        collected.map((entry) => entry.name),
      );
      return;
    }
    const index = Number(wanted);
    const entry = collected[index];
    const outcome = entry ? await runTest(entry) : { state: 'failed' as const, error: `no test ${wanted}`, ms: 0 };
    await rig('result', index, outcome);
  } catch (error) {
    await rig('crashed', String(error instanceof Error ? error.stack : error)).catch(() => undefined);
  }
}
