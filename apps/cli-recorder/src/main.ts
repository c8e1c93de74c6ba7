#!/usr/bin/env node
import { runRecorder } from './recorder.js';

const status = await runRecorder(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  onInterrupt(handler) {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
});
process.exitCode = status;
// Everything is closed by now; if a native thread or handle still held the process, don't hang.
setTimeout(() => process.exit(status), 2000).unref();
