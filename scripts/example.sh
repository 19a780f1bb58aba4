#!/usr/bin/env bash
# Installs prerequisites (Debian 12, as root), then builds, loads and runs the example image.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
exec node_modules/.bin/node scripts/example.mjs "$@"
