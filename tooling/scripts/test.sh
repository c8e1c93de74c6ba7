#!/usr/bin/env bash
# The whole test suite: build, type-check, lint, every package's tests (real PortAudio on a virtual
# PulseAudio microphone, real Chromium), and publint/arethetypeswrong for every published package.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tooling/scripts/setup.sh

started=$SECONDS
pnpm exec biome lint --error-on-warnings tooling
pnpm exec biome format .   # fails on any file the formatter would change (settings in biome.json)
pnpm exec knip --no-progress   # dead files, exports and dependencies (knip.json)
pnpm exec turbo run build typecheck lint check:package --output-logs=errors-only
# Audio and browser tests measure real time: one package at a time keeps the 2-core machines honest.
mkdir -p test-results
FORCE_COLOR=0 pnpm exec turbo run test --concurrency=1 --output-logs=full 2>&1 | tee test-results/test.log
# The suite must notice when any rule R1–R14 is broken: break each one and expect a failure.
node tooling/scripts/mutation-rules.mjs

# ---- Firefox ESR (tooling/firefox-rig): the browser adapter's conformance suite and the web recorder end to end ----
# Real capture from the audio rig through PulseAudio, Firefox's own prompt and site permissions,
# its default autoplay policy. Appended to test.log so the closing tally counts these tests too.
step_started=$SECONDS
FORCE_COLOR=0 pnpm --filter @micgate/browser test:firefox 2>&1 | tee -a test-results/test.log
FORCE_COLOR=0 pnpm --filter @micgate/web-recorder test:firefox 2>&1 | tee -a test-results/test.log
echo "micgate: Firefox (conformance suite, web recorder) in $((SECONDS - step_started)) s"
# ---- end of Firefox ----

# ---- WebKitGTK 2.50 (tooling/webkit-rig): the browser adapter's conformance suite ----
# Vitest browser mode crashes WebKitGTK here, so the suite's own functions run in a page of the
# embedding host (one page load per test) and each outcome is one Node-side Vitest test: real capture
# from the audio rig, WebKit's own prompt played by the host, its default autoplay policy, no
# `change` event (the host hides and shows the window). Appended to test.log for the closing tally.
step_started=$SECONDS
FORCE_COLOR=0 pnpm --filter @micgate/browser test:webkit 2>&1 | tee -a test-results/test.log
echo "micgate: WebKit (conformance suite) in $((SECONDS - step_started)) s"
# ---- end of WebKit ----

# ---- packed tarballs, other runtimes, API reference, publish dry run (tooling/pack-test, tooling/runtimes) ----
# Every published package packed and installed with npm into a fresh project outside the
# workspace: types (nodenext, bundler), a recording from the rig, the conformance suite in Node
# and Chromium, publint/attw on the tarballs. Then, in that project, the Node adapter on Bun and
# Deno (pinned, from the npm registry). Each prints its time per step.
packed="$(mktemp -d)"
trap 'rm -rf "$packed"' EXIT
# The published @micgate/node carries a prebuilt addon (PortAudio linked in statically): build it, then
# install the tarballs where no compiler, pkg-config or PortAudio headers can be found, as most users have.
pnpm --filter @micgate/node build:prebuilt
MICGATE_PACK_NO_COMPILER=1 node tooling/pack-test/run.mjs --project "$packed"
node tooling/runtimes/run.mjs --project "$packed/app"
# The API reference from the types (TypeDoc, warnings are errors) and what a release would publish.
step_started=$SECONDS
pnpm docs:api
echo "micgate: API reference built in $((SECONDS - step_started)) s"
step_started=$SECONDS
pnpm release:dry-run 2>&1 | grep "^+ "   # the packages and versions a release would publish
node tooling/scripts/check-changesets.mjs   # every changeset parses as `changeset version` reads it
echo "micgate: publish dry run in $((SECONDS - step_started)) s"
# ---- end of packed tarballs, other runtimes, API reference, publish dry run ----
echo "micgate: all checks passed in $((SECONDS - started)) s"
node tooling/scripts/summarize-tests.mjs test-results/test.log
