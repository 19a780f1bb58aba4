// The VM's PID 1 and its helpers: busybox sh scripts placed in the initrd.
// The order of steps follows nixpkgs' runWithOverlay + mkRootLayer
// (pkgs/build-support/docker/default.nix): make a file system on the
// diskSize disk, unpack the base layers as the lower, the new layer's files as
// the upper, mount the overlay, create /dev /proc /sys /tmp and the store dir
// in it, bind /dev /sys and the store, run the script under
// `unshare -imnpuf --mount-proc` + chroot with /proc mounted, unmount, remove
// the mount points it had to create (nixpkgs keeps /tmp), then turn the upper
// dir's 0/0 character devices into `.wh.` files and pack it.
//
// The host learns what happened from console lines `@@nixdockervm:<nonce>:<event>`
// (the nonce lives in the initrd, which the chrooted script cannot see):
//   phase <name>             a step starts
//   shell <path>             the shell that runs the script
//   script-begin             the script's output follows
//   script-end <code> <full> it exited with <code>; full=1 when the disk filled up
//   error <phase> <full> <message...>
//   done                     the layer tar is on the output disk

export const MARK = '@@nixdockervm';

/**
 * The scripts below are written with String.raw, where `${` would be a JavaScript
 * placeholder: shell parameter expansions are spelled `%{...}` and turned into
 * `${...}` here (none of these scripts uses `%{` otherwise).
 */
function sh(strings: TemplateStringsArray, ...values: string[]): string {
  return String.raw({ raw: strings.raw }, ...values).replace(/%\{/g, '${');
}

export const INIT = sh`#!/bin/busybox sh
# PID 1 of the runAsRoot VM (nix-docker-action, src/vm/initScript.ts).
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs devtmpfs /dev
exec </dev/null >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
set -o pipefail
umask 022
. /vm/config

say() { echo "${MARK}:$NONCE:$*"; }
MOUNTED=
isfull() {
  if [ -z "$MOUNTED" ]; then echo 0; return; fi
  set -- $(stat -f -c '%a %d' /scratch 2>/dev/null)
  if [ "%{1:-1}" = 0 ] || [ "%{2:-1}" = 0 ]; then echo 1; else echo 0; fi
}
off() { sync; reboot -f; sleep 30; }
PHASE=boot
die() { say "error $PHASE $(isfull) $*"; off; }
step() { PHASE=$1; read -r up _ </proc/uptime; say "phase $1 $up"; }

step modules
for m in $MODULES; do insmod "/vm/modules/$m" || die "cannot load kernel module $m"; done

step disks
disk() {
  for d in /sys/block/vd*; do
    if [ "$(cat "$d/serial" 2>/dev/null)" = "$1" ]; then echo "/dev/%{d##*/}"; return 0; fi
  done
  return 1
}
n=0
while :; do
  have=0
  for d in /sys/block/vd*; do [ -b "/dev/%{d##*/}" ] && have=$((have + 1)); done
  [ "$have" -ge "$NDISKS" ] && break
  n=$((n + 1))
  [ "$n" -gt 200 ] && die "found $have of $NDISKS disks"
  sleep 0.05
done
SCRATCH=$(disk scratch) || die "no scratch disk"
OUT=$(disk out) || die "no output disk"
if [ -n "$HAS_STORE" ]; then
  mkdir -p /store
  mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=262144,cache=loose store /store ||
    die "cannot mount the Nix store over 9p"
fi

step mkfs
mke2fs -F -b 4096 -m 0 "$SCRATCH" >/dev/null || die "mke2fs failed"
mkdir -p /scratch
mount -t ext4 -o noatime "$SCRATCH" /scratch || die "cannot mount the scratch disk"
MOUNTED=1
mkdir /scratch/lower /scratch/upper /scratch/work /scratch/merged || die "cannot create directories on the scratch disk"

step base
i=0
while [ "$i" -lt "$NLAYERS" ]; do
  eval "set -- \$LAYER_$i"
  dev=$(disk "$1") || die "no disk $1"
  cd /scratch/lower
  if [ -s "/vm/layers/$i.remove" ]; then
    xargs -0 -r rm -rf <"/vm/layers/$i.remove" || die "cannot apply the whiteouts of base layer $((i + 1))"
  fi
  # A layer at offset 0 is read from the disk itself; elsewhere through a loop device
  # at its offset (a tar ends itself); a dd pipe only without loop devices (slow on TCG).
  if [ "$2" = 0 ]; then
    tar -x --numeric-owner -f "$dev"
  elif [ -b /dev/loop0 ] && losetup -r -o "$2" /dev/loop0 "$dev"; then
    tar -x --numeric-owner -f /dev/loop0
    rc=$?
    losetup -d /dev/loop0
    [ "$rc" = 0 ]
  else
    dd if="$dev" bs=65536 iflag=skip_bytes,count_bytes skip="$2" count="$3" 2>/dev/null | tar -x --numeric-owner -f -
  fi || die "cannot unpack base layer $((i + 1))"
  if [ -s "/vm/layers/$i.markers" ]; then xargs -0 -r rm -f <"/vm/layers/$i.markers"; fi
  cd /
  i=$((i + 1))
done

if [ -n "$SEED" ]; then
  step seed
  dev=$(disk seed) || die "no disk with the new layer's files"
  tar -x --numeric-owner -f "$dev" -C /scratch/upper || die "cannot unpack the new layer's files"
fi

step overlay
O=lowerdir=/scratch/lower,upperdir=/scratch/upper,workdir=/scratch/work
mount -t overlay overlay -o "$O,redirect_dir=off,index=off,metacopy=off" /scratch/merged 2>/dev/null ||
  mount -t overlay overlay -o "$O" /scratch/merged || die "cannot mount the overlay"

step chroot
M=/scratch/merged
T=/dev/.nix-docker-vm
mkdir -p "$T" && mount --bind /vmtools "$T" || die "cannot set up the tools directory"
CREATED=
want() {
  if [ ! -e "$M/$1" ] && [ ! -L "$M/$1" ]; then
    mkdir "$M/$1" || die "cannot create /$1"
    [ -n "$2" ] || CREATED="$1 $CREATED"
  fi
}
bind() {
  if [ -d "$M/$2" ] && [ ! -L "$M/$2" ]; then mount --rbind "$1" "$M/$2" || die "cannot mount /$2"; fi
}
want dev
want proc
want sys
want tmp keep
for c in $STORE_PARTS; do want "$c"; done
bind /dev dev
bind /sys sys
if [ -n "$HAS_STORE" ]; then bind /store "%{STORE_DIR#/}"; fi

step shell
if [ -n "$SHELL_PATH" ]; then
  SH=$SHELL_PATH
elif chroot "$M" "$T/bin/sh" -c '[ -x /bin/bash ]' 2>/dev/null && chroot "$M" /bin/bash -c : 2>/dev/null; then
  SH=/bin/bash
else
  SH=$T/bin/sh
fi
say "shell $SH"

step script
say script-begin
unshare -imnpuf --mount-proc sh -c '
  if [ -d "$1/proc" ] && [ ! -L "$1/proc" ]; then mount --rbind /proc "$1/proc" || exit 125; fi
  exec chroot "$1" "$2/bin/env" -i PATH="$3" HOME=/root USER=root LOGNAME=root "$4" "$2/run-as-root.sh"
' sh "$M" "$T" "$SCRIPT_PATH" "$SH" </dev/null
CODE=$?
FULL=$(isfull)
say "script-end $CODE $FULL"
umount -l "$M/dev" 2>/dev/null
umount -l "$M/sys" 2>/dev/null
if [ -n "$HAS_STORE" ]; then umount -l "$M$STORE_DIR" 2>/dev/null; fi
for d in $CREATED; do rmdir "$M/$d" 2>/dev/null; done
if [ "$CODE" != 0 ] || [ "$FULL" = 1 ]; then off; fi

step collect
cd /scratch
find upper -type d -exec sh /vm/opaque.sh {} + >/opaque.lst || die "cannot compare the upper and lower directories"
cd /
umount /scratch/merged || die "cannot unmount the overlay"
cd /scratch/upper
find . -type c -exec sh /vm/whiteout.sh {} + || die "cannot turn whiteouts into .wh. files"
cd /scratch
if [ -s /opaque.lst ]; then xargs -0 -r sh /vm/opq.sh </opaque.lst || die "cannot mark opaque directories"; fi

step pack
cd /scratch/upper
tar -cf "$OUT" . || die "cannot write the layer tar"
cd /
sync
say done
off
`;

/**
 * opaque.sh UPPER-DIR... (cwd /scratch, overlay still mounted): prints, NUL-terminated,
 * the upper directories that are opaque. busybox cannot read the
 * trusted.overlay.opaque xattr, so opacity is seen from outside: a directory of the
 * upper dir hides its lower counterpart when a lower entry is neither in the upper dir
 * (as a file or a 0/0 whiteout) nor visible in the merged view.
 */
export const OPAQUE_SH = sh`for u; do
  d=%{u#upper}
  [ -d "lower$d" ] && [ ! -L "lower$d" ] || continue
  for e in "lower$d"/* "lower$d"/.[!.]* "lower$d"/..?*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    n=%{e##*/}
    if [ ! -e "upper$d/$n" ] && [ ! -L "upper$d/$n" ] && [ ! -e "merged$d/$n" ] && [ ! -L "merged$d/$n" ]; then
      printf '%s\0' "$u"
      break
    fi
  done
done
`;

/** whiteout.sh CHARDEV... (cwd: the upper dir): a 0/0 character device becomes an empty `.wh.<name>`. */
export const WHITEOUT_SH = sh`for f; do
  if [ "$(stat -c %t:%T "$f")" = 0:0 ]; then
    rm -f "$f" && : >"%{f%/*}/.wh.%{f##*/}" || exit 1
  fi
done
`;

/** opq.sh DIR...: marks each directory opaque the way layer tars do. */
export const OPQ_SH = sh`for d; do : >"$d/.wh..wh..opq" || exit 1; done
`;

/** A shell word for any string without NUL: single quotes, with ' as '\''. */
export function shellQuote(s: string): string {
  if (s.includes('\0')) throw new Error('shellQuote: NUL in string');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface InitConfig {
  nonce: string;
  modules: string[];
  disks: number;
  hasStore: boolean;
  storeDir: string;
  layers: { serial: string; offset: number; size: number }[];
  seed: boolean;
  shell: string;
  scriptPath: string;
}

/** /vm/config, sourced by the init. */
export function configFile(c: InitConfig): string {
  const parts = c.storeDir
    .split('/')
    .filter((p) => p !== '')
    .map((_p, i, all) => all.slice(0, i + 1).join('/'));
  const vars: [string, string][] = [
    ['NONCE', c.nonce],
    ['MODULES', c.modules.join(' ')],
    ['NDISKS', String(c.disks)],
    ['HAS_STORE', c.hasStore ? '1' : ''],
    ['STORE_DIR', c.storeDir],
    ['STORE_PARTS', c.hasStore ? parts.join(' ') : ''],
    ['NLAYERS', String(c.layers.length)],
    ...c.layers.map((l, i): [string, string] => [`LAYER_${i}`, `${l.serial} ${l.offset} ${l.size}`]),
    ['SEED', c.seed ? '1' : ''],
    ['SHELL_PATH', c.shell],
    ['SCRIPT_PATH', c.scriptPath],
  ];
  return vars.map(([k, v]) => `${k}=${shellQuote(v)}\n`).join('');
}

/** The script file: as nixpkgs' shellScript, `set -e` and then the text. */
export function scriptFile(text: string): string {
  return `set -e\n${text}${text.endsWith('\n') ? '' : '\n'}`;
}
