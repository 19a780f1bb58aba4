#!/usr/bin/env bash
# Installs what building and testing need on Debian 12 (run as root): Nix, a Docker
# engine, registry, skopeo/umoci, fakeroot/proot, QEMU, and the npm packages (which
# bring Node 24). Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(
  nix-bin docker.io docker-registry skopeo umoci fakeroot proot busybox-static
  zstd pigz python3 git ca-certificates tar gzip sqlite3 apache2-utils openssl bash-static
  qemu-system-x86 linux-image-amd64 xutils-dev cpio xz-utils rsync jq
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v npm >/dev/null || missing+=(nodejs npm)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Nix from Debian is single-user here; builds run without a sandbox.
if [[ $(id -u) -eq 0 ]] && ! grep -qs '^sandbox *= *false' /etc/nix/nix.conf; then
  mkdir -p /etc/nix
  echo 'sandbox = false' >>/etc/nix/nix.conf
fi

cd "$(dirname "$0")/.."
if [[ ! -x node_modules/.bin/node ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
node_modules/.bin/node --version
