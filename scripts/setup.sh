#!/usr/bin/env bash
# Installs what building and testing need on Debian 12 (run as root): Nix, a Docker
# engine, registry, skopeo/umoci, fakeroot/proot, QEMU, and the npm packages (which
# bring Node 24). Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(
  nix-bin docker.io docker-registry skopeo umoci fakeroot proot busybox-static
  zstd pigz python3 git ca-certificates tar gzip sqlite3 apache2-utils openssl bash-static
  qemu-system-x86 linux-image-amd64 xutils-dev cpio xz-utils rsync jq
  debootstrap bubblewrap sudo util-linux qemu-user-static
)
# The multi-platform tests take Debian's arm64 busybox-static (apt-get download).
if [[ $(id -u) -eq 0 ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  apt-get update -q
fi
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

# Nix run by root builds as the members of `build-users-group` (default: nixbld), which
# Debian's nix-bin does not create (its nix-setup-systemd package would, with a daemon we
# do not want here): make the group and its build users as the Nix installers do.
# Builds run without a sandbox (these machines cannot mount one).
if [[ $(id -u) -eq 0 ]]; then
  getent group nixbld >/dev/null || groupadd --system nixbld
  for i in $(seq 1 8); do
    id -u "nixbld$i" >/dev/null 2>&1 ||
      useradd --system --no-create-home --home-dir /var/empty --shell /usr/sbin/nologin \
        --gid nixbld --groups nixbld --comment "Nix build user $i" "nixbld$i"
  done
  mkdir -p /etc/nix
  grep -qs '^sandbox *= *false' /etc/nix/nix.conf || echo 'sandbox = false' >>/etc/nix/nix.conf

  # `docker run --platform linux/arm64` through qemu: register qemu-user-static's aarch64
  # handler with binfmt_misc (the F flag opens the interpreter now, so containers use it
  # without it in their root). Machines without systemd-binfmt get it here.
  binfmt=/proc/sys/fs/binfmt_misc
  [[ -e $binfmt/register ]] || mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || true
  if [[ -w $binfmt/register && ! -e $binfmt/qemu-aarch64 ]]; then
    cat /usr/lib/binfmt.d/qemu-aarch64.conf >"$binfmt/register" || echo 'setup: could not register qemu-aarch64 with binfmt_misc' >&2
  fi
fi

cd "$(dirname "$0")/.."
if [[ ! -x node_modules/.bin/node ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
node_modules/.bin/node --version
