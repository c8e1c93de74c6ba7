#!/usr/bin/env bash
# The main demo: record a few seconds in the terminal with micgate-record. It asks for the microphone
# (once; the answer is remembered), records silence until you allow, shows a live meter and writes a WAV.
# Extra arguments go to micgate-record, e.g. `npm run demo -- --seconds 10`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tooling/scripts/setup.sh

say "building the recorder"
pnpm exec turbo run build --filter=@micgate/cli-recorder... --output-logs=errors-only >/dev/null

if [ ! -e /dev/snd ] && ! pactl info >/dev/null 2>&1; then
  say "no sound card: starting a virtual microphone (a 440 Hz tone)"
  eval "$(node tooling/audio-rig/cli.js start 440)"
  trap 'node tooling/audio-rig/cli.js stop >/dev/null 2>&1 || true' EXIT
fi

out=${MICGATE_DEMO_OUT:-micgate-demo.wav}
status=0
# The recorder prints the one command to change the decision, runnable here (npm run micgate -- …).
node apps/cli-recorder/dist/main.js "$out" --seconds 5 --app-id micgate-demo --force "$@" || status=$?
exit "$status"
