#!/usr/bin/env bash
# Brings a machine with only Node.js 20 and npm to where micgate builds and tests:
# Debian packages (PortAudio, PulseAudio for the virtual microphone, Chromium), pnpm, dependencies.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

PNPM_VERSION=10.34.9
APT_PACKAGES=(
  pulseaudio pulseaudio-utils libasound2-plugins alsa-utils   # the virtual microphone
  libportaudio2 portaudio19-dev libasound2-dev pkg-config      # the native capture addon
  sox                                                           # test signals
  chromium fonts-dejavu-core                                    # browser tests and the web demo
  tmux util-linux                                               # terminal prompt tests
  # ---- Firefox (tooling/firefox-rig): the browser adapter's conformance suite and the web recorder in Firefox ESR ----
  firefox-esr
  # ---- end of Firefox ----
  # ---- WebKit (tooling/webkit-rig) ----
  webkit2gtk-driver xvfb                                        # WebKitGTK, WebKitWebDriver, an X server
  python3-gi python3-gi-cairo gir1.2-webkit2-4.1                # the embedding host that plays the user
  # ---- end of WebKit ----
)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); elif command -v sudo >/dev/null; then apt_get=(sudo apt-get); else
    say "missing Debian packages: ${missing[*]}"
    say "install them as root: apt-get update && apt-get install -y ${missing[*]}"
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  "${apt_get[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq "${missing[@]}" >/dev/null
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION"
  if ! npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then
    prefix="${XDG_CACHE_HOME:-$HOME/.cache}/micgate/pnpm"
    npm install --silent --prefix "$prefix" "pnpm@$PNPM_VERSION" >/dev/null
    export PATH="$prefix/node_modules/.bin:$PATH"
  fi
fi

# node-gyp builds the addon against the Node headers Debian ships, where they are, instead of downloading them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_api.h ]; then export npm_config_nodedir=/usr; fi
export TURBO_TELEMETRY_DISABLED=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1

say "installing dependencies"
if [ -n "${CI:-}" ]; then pnpm install --frozen-lockfile --reporter=silent; else pnpm install --reporter=silent; fi
