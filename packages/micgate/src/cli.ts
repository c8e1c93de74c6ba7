#!/usr/bin/env node
// The `micgate` settings command, also installed by `micgate` itself: `npx micgate grant <appId>`
// then works in a project whatever its package manager hoists (pnpm links only direct dependencies' bins).
import { runMicgate } from '@micgate/node';

process.exitCode = await runMicgate(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
