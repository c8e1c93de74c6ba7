#!/usr/bin/env node
// Adds up the closing lines of every test run in a log (Vitest's "Tests  N passed | M skipped (T)"
// and node:test's "pass N" / "fail N" / "skipped N") into one line: "tests: N passed, N failed, N skipped".
// Exits 1 when the log shows no test at all or any failure.
import { readFileSync } from 'node:fs';

const ansiColour = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const log = readFileSync(process.argv[2] ?? 0, 'utf8').replace(ansiColour, '');
const total = { passed: 0, failed: 0, skipped: 0 };
let runs = 0;
for (const line of log.split('\n')) {
  const vitest = line.match(/^\S*\s*Tests\s+(.*\(\d+\))\s*$/);
  if (vitest) {
    runs++;
    for (const [, count, word] of vitest[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      total[word === 'todo' ? 'skipped' : word] += Number(count);
    }
    continue;
  }
  const node = line.match(/^\S*\s*[ℹ#] (pass|fail|skipped|todo) (\d+)\s*$/);
  if (node) {
    if (node[1] === 'pass') runs++;
    total[{ pass: 'passed', fail: 'failed', skipped: 'skipped', todo: 'skipped' }[node[1]]] += Number(node[2]);
  }
}
console.log(`${runs} test runs`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(runs === 0 || total.passed === 0 || total.failed > 0 ? 1 : 0);
