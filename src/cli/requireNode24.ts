// Imported first by the CLI's entry, so it runs before any module that needs Node 24
// (node:zlib's zstd, node:sqlite in undici) is loaded: on an older Node the CLI says what
// it needs instead of dying in a TypeError. Written for any Node that parses the bundle.

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`nix-docker: needs Node.js 24 or later; this is Node.js ${process.versions.node} (${process.execPath})\n`);
  process.exit(1);
}

export {};
