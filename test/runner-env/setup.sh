#!/usr/bin/env bash
# A GitHub-hosted runner's conditions on this machine, for the action's end-to-end tests
# (test/runner.test.ts). Run as root; safe to run again (the Debian 13 root is kept).
#
#  - the user `runner` (uid 1001, /home/runner, passwordless sudo, in the docker group),
#    which the tests run the action's bundles as;
#  - a current multi-user Nix: Debian 13's nix-bin (Nix 2.26) in a debootstrapped root.
#    Its nix-daemon runs as root over the host's /nix (test/runner-env/daemon.sh); the
#    runner reaches the store only through the daemon's socket, with wrappers (in $bin)
#    that run the root's client commands unprivileged (bubblewrap), the way a runner's
#    PATH has nix-build and nix from cachix/install-nix-action;
#  - current independent readers from the same root: docker buildx, oras, cosign and
#    skopeo 1.18, run with `$bin/debian13 COMMAND ...` (host /tmp, /home and network).
#
# Prints the wrappers' directory. Environment: NIX_DOCKER_TEST_ROOTS (default
# /var/cache/nix-docker-test) holds the root and the wrappers.
set -euo pipefail
[[ $(id -u) -eq 0 ]] || { echo "runner-env: run as root" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
roots=${NIX_DOCKER_TEST_ROOTS:-/var/cache/nix-docker-test}
root=$roots/debian13-nix
bin=$roots/debian13-nix.bin
# Bump when the root's package set changes: an older root is made again.
root_version=3

# --- the runner user, as on hosted runners --------------------------------------------
getent group docker >/dev/null || groupadd --system docker
if ! id -u runner >/dev/null 2>&1; then
  useradd --uid 1001 --create-home --home-dir /home/runner --shell /bin/bash runner
fi
usermod -aG docker runner
echo 'runner ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/runner
chmod 0440 /etc/sudoers.d/runner

# --- the Debian 13 root with Nix 2.26 -------------------------------------------------
if [[ $(cat "$root/.nix-docker-root" 2>/dev/null) != "$root_version" ]]; then
  echo "runner-env: making the Debian 13 root at $root (debootstrap trixie, nix-bin)" >&2
  mirror=$(bash "$here/../../scripts/debian-mirror.sh")
  rm -rf "$root" "$root.tmp"
  mkdir -p "$roots"
  debootstrap --variant=minbase trixie "$root.tmp" "$mirror" >"$roots/debootstrap-trixie.log" 2>&1 ||
    { tail -n 20 "$roots/debootstrap-trixie.log" >&2; exit 1; }
  cp /etc/resolv.conf "$root.tmp/etc/resolv.conf"
  chroot "$root.tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -q && apt-get install -y -q --no-install-recommends nix-bin busybox-static bash-static ca-certificates docker-cli docker-buildx oras cosign skopeo' \
    >>"$roots/debootstrap-trixie.log" 2>&1 || { tail -n 20 "$roots/debootstrap-trixie.log" >&2; exit 1; }
  chroot "$root.tmp" apt-get clean
  echo "$root_version" >"$root.tmp/.nix-docker-root"
  mv "$root.tmp" "$root"
fi

# The daemon builds as the root's nixbld users and sees its peers by uid: give them the
# host's numbers (one /nix, one set of build-user locks) and add the runner.
sync_user() { # name uid gid
  chroot "$root" getent passwd "$1" >/dev/null ||
    chroot "$root" useradd --system --no-create-home --home-dir /var/empty --shell /usr/sbin/nologin -u "$2" -g "$3" "$1"
}
host_gid() { getent group "$1" | cut -d: -f3; }
chroot "$root" getent group nixbld >/dev/null || chroot "$root" groupadd -g "$(host_gid nixbld)" nixbld
for user in $(getent group nixbld | cut -d: -f4 | tr ',' ' '); do
  sync_user "$user" "$(id -u "$user")" "$(host_gid nixbld)"
  chroot "$root" usermod -aG nixbld "$user"
done
chroot "$root" getent group runner >/dev/null || chroot "$root" groupadd -g "$(id -g runner)" runner
sync_user runner "$(id -u runner)" "$(id -g runner)"

# What cachix/install-nix-action and the Determinate installer set, less the binary cache
# (no internet here) and the sandbox (these machines cannot mount one).
mkdir -p "$root/etc/nix"
cat >"$root/etc/nix/nix.conf" <<CONF
build-users-group = nixbld
experimental-features = nix-command flakes
max-jobs = auto
sandbox = false
substituters =
trusted-users = root
CONF
mkdir -p "$root/nix" "$root/home" "$root/tmp"
touch "$root/etc/hosts"

# Commands of the root, run as the calling user (unprivileged, with bubblewrap) on a
# tmpfs / holding the root's top-level directories read-only and the host's /nix (the
# daemon socket is /nix/var/nix/daemon-socket/socket), /tmp, /home, users, network and
# working directory: `$bin/debian13 COMMAND ...`. The nix commands are wrappers of it.
mkdir -p "$bin"
layout=""
for entry in "$root"/*; do
  name=${entry##*/}
  case $name in nix | home | tmp | proc | dev | root | work) continue ;; esac
  if [[ -L $entry ]]; then layout+=" --symlink $(readlink "$entry") /$name"
  elif [[ -d $entry ]]; then layout+=" --ro-bind $entry /$name"
  fi
done
cat >"$bin/debian13" <<WRAP
#!/bin/sh
exec bwrap --tmpfs /$layout \\
  --bind /nix /nix --bind /tmp /tmp --bind /home /home --bind-try /root /root \\
  --ro-bind /etc/passwd /etc/passwd --ro-bind /etc/group /etc/group --ro-bind /etc/hosts /etc/hosts \\
  --ro-bind /etc/resolv.conf /etc/resolv.conf --ro-bind-try /etc/ssl/certs /etc/ssl/certs \\
  --dev /dev --proc /proc --bind-try "\$PWD" "\$PWD" --chdir "\$PWD" --die-with-parent -- "\$@"
WRAP
chmod 0755 "$bin/debian13"
for name in nix nix-build nix-store nix-instantiate nix-env nix-shell nix-hash nix-prefetch-url nix-channel nix-collect-garbage nix-copy-closure; do
  printf '#!/bin/sh\nexec %s/debian13 /usr/bin/%s "$@"\n' "$bin" "$name" >"$bin/$name"
  chmod 0755 "$bin/$name"
done
echo "$bin"
