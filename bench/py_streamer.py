#!/usr/bin/env python3
"""
Reference streamer for the benchmark: stands in for nixpkgs'
pkgs/build-support/docker/stream_layered_image.py in side-by-side timings.

It follows that script's algorithm for store layers (written independently
from its description):

- Every layer is a Python `tarfile` stream in PAX format: `/nix/` and
  `/nix/store/` (mode 0755) first, then for each store path of the layer the
  path itself and everything below it sorted component by component (a path
  that is a symlink goes alone). Names are absolute, hard links become regular
  files, and every entry carries the same mtime/uid/gid/uname/gname.
- A docker-archive entry needs its name (the layer's sha256) and size before
  its bytes, so each layer is tarred twice: once into a sink that only hashes
  and counts, then again through a pipe, from a producer thread, into the
  outer tar as `<sha256>/layer.tar`.
- Then `<sha256 of config>.json` and `manifest.json`.

No base image and no customisation layer: the benchmark only times store
layers, which is where the bytes are.

Input: a JSON file (or `-` for stdin) holding a list of layers, each a list of
store paths. Output: the archive on stdout; progress on stderr. With
`--digests`, one line per layer instead (`sha256:<hex> <size>`): the reference
diff_ids the benchmark compares our engine's layers with.

    python3 bench/py_streamer.py layers.json > image.tar
    python3 bench/py_streamer.py layers.json | pigz -nT > image.tar.gz
"""

import argparse
import hashlib
import io
import json
import os
import sys
import tarfile
import threading
from pathlib import Path

STORE_DIR = "/nix/store"


class Owner:
    def __init__(self, mtime, uid, gid, uname, gname):
        self.mtime, self.uid, self.gid = mtime, uid, gid
        self.uname, self.gname = uname, gname

    def stamp(self, info):
        info.mtime = self.mtime
        info.uid, info.gid = self.uid, self.gid
        info.uname, info.gname = self.uname, self.gname
        return info


def members(store_path):
    """The store path, then everything below it, in component-wise order."""
    root = Path(store_path)
    if root.is_symlink():
        return [root]
    # Path objects compare part by part, which is the order we need
    # ("a", "a/b", "a-c"), not the plain string order.
    return sorted([root, *root.rglob("*")])


def write_layer(sink, store_paths, owner):
    """Writes one layer tar (all of `store_paths`) to `sink` (has .write)."""
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for top in ("/nix", STORE_DIR):
            info = tarfile.TarInfo(top)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            tar.addfile(owner.stamp(info))
        for store_path in store_paths:
            for path in members(store_path):
                info = tar.gettarinfo(str(path))
                info.name = "/" + info.name  # gettarinfo strips the leading slash
                if info.islnk():  # a hard link seen before: store it again
                    info.type = tarfile.REGTYPE
                    info.linkname = ""
                    info.size = path.stat().st_size
                owner.stamp(info)
                if info.isreg():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)


class DigestSink:
    """A write-only stream that keeps the sha256 and the length of what it is given."""

    def __init__(self):
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self.hash.update(data)
        self.size += len(data)
        return len(data)


def add_layer(outer, store_paths, owner):
    """Tars the layer once to learn its digest and size, then again into `outer`."""
    for p in store_paths:
        assert p.startswith(STORE_DIR + "/"), f"not a store path: {p}"

    digest = DigestSink()
    write_layer(digest, store_paths, owner)
    diff_id = digest.hash.hexdigest()

    info = tarfile.TarInfo(f"{diff_id}/layer.tar")
    info.size = digest.size
    info.mtime = owner.mtime

    read_fd, write_fd = os.pipe()
    with open(read_fd, "rb") as reader, open(write_fd, "wb") as writer:

        def produce():
            write_layer(writer, store_paths, owner)
            writer.close()

        # If the producer dies, addfile comes up short and raises.
        threading.Thread(target=produce, daemon=True).start()
        outer.addfile(info, reader)
    return diff_id


def add_bytes(outer, name, data, mtime):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = mtime
    outer.addfile(info, io.BytesIO(data))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("layers", help="JSON list of layers (lists of store paths), or - for stdin")
    ap.add_argument("--tag", default="bench:latest")
    ap.add_argument("--mtime", type=int, default=1)
    ap.add_argument("--created", default="1970-01-01T00:00:01+00:00")
    ap.add_argument("--digests", action="store_true", help="print each layer's diff_id and size instead of an archive")
    args = ap.parse_args()

    with (sys.stdin if args.layers == "-" else open(args.layers)) as f:
        layers = json.load(f)
    owner = Owner(args.mtime, 0, 0, "root", "root")

    if args.digests:
        for store_paths in layers:
            sink = DigestSink()
            write_layer(sink, store_paths, owner)
            print(f"sha256:{sink.hash.hexdigest()} {sink.size}", flush=True)
        return

    with tarfile.open(fileobj=sys.stdout.buffer, mode="w|", format=tarfile.PAX_FORMAT) as outer:
        diff_ids = []
        for n, store_paths in enumerate(layers, start=1):
            print(f"layer {n}/{len(layers)}: {len(store_paths)} store path(s)", file=sys.stderr)
            diff_ids.append(add_layer(outer, store_paths, owner))

        config = {
            "created": args.created,
            "architecture": "amd64",
            "os": "linux",
            "config": {},
            "rootfs": {"diff_ids": [f"sha256:{d}" for d in diff_ids], "type": "layers"},
            "history": [{"created": args.created, "comment": f"store paths: {p}"} for p in layers],
        }
        config_bytes = json.dumps(config, indent=4).encode()
        config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
        add_bytes(outer, config_name, config_bytes, args.mtime)
        manifest = [{"Config": config_name, "RepoTags": [args.tag], "Layers": [f"{d}/layer.tar" for d in diff_ids]}]
        add_bytes(outer, "manifest.json", json.dumps(manifest, indent=4).encode(), args.mtime)
    print("done", file=sys.stderr)


if __name__ == "__main__":
    main()
