#!/usr/bin/env node
import { runMicgate } from './run.js';

process.exitCode = await runMicgate(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
