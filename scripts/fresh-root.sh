#!/usr/bin/env bash
# The README's example command (bash scripts/example.sh) on a machine that never had any of this, proven on every CI
# run: a minimal Debian 12 root (debootstrap --variant=minbase bookworm, from the archive
# this machine's apt uses), scripts/setup.sh inside it (a chroot with /proc, /dev and /sys),
# then example/hello.nix built there with the CLI into an archive (no Docker inside). The
# archive is loaded and run by the Docker engine outside. Anything a developer machine
# got by hand (a nixbld group, a nix.conf, a package) is missing in the root, so a setup
# that leans on one fails here. Run as root; prints the cost of each phase.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "fresh-root: run as root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "fresh-root: debootstrap is missing (scripts/setup.sh installs it)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/nix-docker-fresh-root.XXXXXX)
root=$work/root
# Debian packages downloaded once per machine, shared by every fresh root (the root stays
# fresh: nothing is installed from here but what its own apt chooses).
debs=/var/cache/nix-docker-test/fresh-root-debs
mkdir -p "$root" "$debs/partial"
cleanup() {
  for m in var/cache/apt/archives sys dev proc; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -R "$root/$m" || true
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM
log=$work/fresh-root.log
fail() { echo "fresh-root: $1 failed; the last lines of its log:" >&2; tail -n 40 "$log" >&2; exit 1; }
t0=$SECONDS

debootstrap --variant=minbase --cache-dir="$debs" bookworm "$root" "$(bash scripts/debian-mirror.sh)" >"$log" 2>&1 ||
  fail "debootstrap"
t1=$SECONDS

# The root's apt sees what the host's does (the same suites: updates and security too).
rm -f "$root/etc/apt/sources.list"
cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/" 2>/dev/null || true
[[ -e /etc/apt/sources.list ]] && cp /etc/apt/sources.list "$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# This workplace's network reaches the package registries through a TLS proxy whose CA
# the host trusts; the root trusts it the same way (a machine elsewhere has none to copy).
mkdir -p "$root/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
mount --bind "$debs" "$root/var/cache/apt/archives"

# The project as committed, plus what the working tree changed (what `git clone` of it
# would give, with the developer's edits): no node_modules, no build output.
mkdir -p "$root/src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$root/src"

# A login-like environment: root's PATH and HOME, the host's proxy/CA variables only.
inroot() {
  chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt} \
    ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} \
    bash -c "$1"
}
inroot 'cd /src && bash scripts/setup.sh' >>"$log" 2>&1 || fail "scripts/setup.sh in the root"
t2=$SECONDS
inroot 'cd /src && bash scripts/example.sh --build-only /tmp/hello.tar.gz' >>"$log" 2>&1 || fail "building example/hello.nix in the root"
t3=$SECONDS

out=$(node_modules/.bin/node scripts/example.mjs --run-archive "$root/tmp/hello.tar.gz" 2>&1) || { echo "$out" >&2; fail "loading and running the archive"; }
grep -q '^Hello, world! (from a Nix-built image' <<<"$out" || { echo "$out" >&2; fail "the image's output check"; }
echo "fresh-root: ok: $(grep '^Hello' <<<"$out")"
echo "fresh-root: debootstrap $((t1 - t0)) s, setup.sh $((t2 - t1)) s, build $((t3 - t2)) s, load and run $((SECONDS - t3)) s; $(du -shx "$root" | cut -f1) root"
