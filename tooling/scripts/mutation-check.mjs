#!/usr/bin/env node
// Breaks one rule at a time in @micgate/core's session and checks that the conformance suite
// (run against the mock on virtual time) notices. Restores the source afterwards.
// Usage: node tooling/scripts/mutation-check.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sessionPath = `${root}/packages/core/src/session.ts`;
const gatePath = `${root}/packages/core/src/gate.ts`;
const clockPath = `${root}/packages/core/src/paced-clock.ts`;
const flightPath = `${root}/packages/core/src/single-flight.ts`;
const guardPath = `${root}/packages/core/src/guarded-stream.ts`;

/** [rule, file, what the code says, what the broken code says] */
const mutations = [
  ['R1 status read prompts', sessionPath, "currentPermission().catch(onError);", "currentPermission().then(() => decide()).catch(onError);"],
  ['R2 answers synchronously when known', sessionPath, "      decideFor(undefined).then(", "      const known = permission.getValue();\n      if (known === 'granted' || known === 'denied') return respond(known === 'granted');\n      decideFor(undefined).then("],
  ['R3 forgets a decision', sessionPath, "if (state !== 'undetermined') return state === 'granted';", "if (state === 'granted') return true;"],
  ['R4 one prompt per request', flightPath, '    if (inFlight) return inFlight;\n', ''],
  ['R4 answer re-read from status', sessionPath, "return checked === 'granted';", "return (await adapter.status()) === 'granted';"],
  ['R5 never reads the remembered decision up front', sessionPath, 'currentPermission().catch(onError);', ''],
  ['R6 ignores outside changes', sessionPath, "setPermission(checkedPermission(value, 'changes()'));", "checkedPermission(value, 'changes()');"],
  ['R7 positions skip', gatePath, 'position += framesPerBuffer;', 'position += framesPerBuffer + 1;'],
  ['R7 audio before consent', gatePath, "(state === 'granted' ? openDevice() : closeDevice())", "(state !== 'denied' ? openDevice() : closeDevice())"],
  ['R7 silence at twice the real-time pace', gatePath, 'const periodMs = (format.framesPerBuffer / format.sampleRate) * 1000;', 'const periodMs = (format.framesPerBuffer / format.sampleRate) * 500;'],
  ['R7 silence starts late', clockPath, '      }, periodMs);', '      }, periodMs * 4);'],
  ['R8 recording does not ask', sessionPath, 'decide().catch((error: unknown) => subscriber.error(asError(error)));', ''],
  ['R9 device left open on revoke', gatePath, "      open?.unsubscribe();\n      silence.start();", '      silence.start();'],
  ['R10 no purpose string accepted', sessionPath, 'if (!hasUsageDescription) return Promise.reject(new MissingUsageDescriptionError());', ''],
  ['R11 device kept after the last subscriber', sessionPath, 'share()', 'share({ resetOnRefCountZero: false })'],
  ['R11 a stream kept past close() starts again', sessionPath, '      if (closed) {\n        subscriber.error(new SessionClosedError());\n        return;\n      }\n', ''],
  ['R11 close leaves requests hanging', sessionPath, 'for (const reject of [...pendingRejections]) reject(new SessionClosedError());', ''],
  ['R12 format not validated', sessionPath, 'const format = resolveFormat(requested);', 'const format = { ...resolveFormat({}), ...requested } as AudioFormat;'],
  ['R13 callback exception escapes', sessionPath, '          onError(thrown);', '          throw thrown;'],
  ['R13 observer exception escapes to RxJS', guardPath, '          this.report(thrown);', '          throw thrown;'],
  ['R14 abort ignored', sessionPath, "signal?.addEventListener('abort', onAbort, { once: true });", ''],
];

const originals = new Map([sessionPath, gatePath, clockPath, flightPath, guardPath].map((path) => [path, readFileSync(path, 'utf8')]));
const restore = () => {
  for (const [path, source] of originals) writeFileSync(path, source);
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    restore();
    process.exit(130);
  });
}
let survived = 0;
try {
  for (const [rule, path, from, to] of mutations) {
    const source = originals.get(path);
    if (!source.includes(from)) throw new Error(`mutation "${rule}": its code is no longer in ${path}`);
    writeFileSync(path, source.replace(from, to));
    let caught;
    try {
      execFileSync('pnpm', ['exec', 'vitest', 'run', 'test/mock.test.ts', '--reporter=dot', '--bail=1'], { cwd: `${root}/packages/conformance`, stdio: 'pipe', timeout: 120_000 });
      caught = false;
    } catch {
      caught = true;
    }
    writeFileSync(path, source);
    if (!caught) survived++;
    console.log(`${caught ? 'caught  ' : 'SURVIVED'}  ${rule}`);
  }
} finally {
  restore();
}
console.log(`${mutations.length - survived} of ${mutations.length} broken rules caught by the conformance suite`);
process.exit(survived === 0 ? 0 : 1);
