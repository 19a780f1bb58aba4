#!/usr/bin/env bash
# Runs the Debian 13 root's nix-daemon (Nix 2.26) as root over the host's /nix, in a mount
# namespace of its own so its bind mounts go away with it. Foreground; stop it with
# SIGTERM. Usage: daemon.sh ROOT
set -euo pipefail
root=$1
exec unshare --mount --propagation private -- /bin/sh -c '
  set -e
  root=$1
  mount --rbind /nix "$root/nix"
  mount --rbind /tmp "$root/tmp"
  mount --rbind /dev "$root/dev"
  mount -t proc proc "$root/proc"
  exec chroot "$root" /usr/bin/nix-daemon
' daemon "$root"
