#!/usr/bin/env bash
# The whole test suite: build, type-check, lint, every package's tests (real PortAudio on a virtual
# PulseAudio microphone, real Chromium), and publint/arethetypeswrong for every published package.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tooling/scripts/setup.sh

started=$SECONDS
pnpm exec biome lint --error-on-warnings tooling
pnpm exec knip --no-progress   # dead files, exports and dependencies (knip.json)
pnpm exec turbo run build typecheck lint check:package --output-logs=errors-only
# Audio and browser tests measure real time: one package at a time keeps the 2-core machines honest.
mkdir -p test-results
FORCE_COLOR=0 pnpm exec turbo run test --concurrency=1 --output-logs=full 2>&1 | tee test-results/test.log
# The suite must notice when any rule R1–R14 is broken: break each one and expect a failure.
node tooling/scripts/mutation-rules.mjs
echo "micgate: all checks passed in $((SECONDS - started)) s"
node tooling/scripts/summarize-tests.mjs test-results/test.log
