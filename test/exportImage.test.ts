// exportImage end to end: images our buildLayeredImage wrote and archives made here with
// GNU tar (whiteouts, opaque directories, hard links, devices, long names, owners, two
// images in one archive), exported by the CLI, imported by the real Docker engine and
// run; and every export compared byte for byte with nixpkgs' recipe done with GNU tar:
// unpack the layers in order as root, apply the whiteouts, give the root directory the
// mode and owner of the overlay's upper directory (0755 root), then
//   tar --hard-dereference --sort=name --mtime=@315532800 -cf out .
// in the user databases nixpkgs' VM has (an /etc/passwd with root only, no /etc/group).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findBusybox, nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { nixDocker, nixDockerOk } from './helpers/cli.ts';
import { docker, removeImage } from './helpers/docker.ts';
import { encodeHeader, endOfArchiveSize, paddingSize, type TarHeader } from '../src/tar/header.ts';
import { LayerTree, type FsNode } from '../src/image/flattenLayers.ts';
import type { TarMember } from '../src/image/tarIndex.ts';
import { getInputs } from '../src/action/inputs.ts';
import { produce } from '../src/action/deliver.ts';
import { ActionLog } from '../src/action/log.ts';
import { artifactName } from '../src/sinks/artifact.ts';

useOfflineNix();
let fx: NixFixtures;
let tmp: string;
before(async () => {
  fx = await nixFixtures();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'export-test-'));
});

const sh = (script: string, cwd?: string) => execFileSync('sh', ['-euc', script], { cwd, encoding: 'utf8' });
const isGnuTar = (file: string) => fs.readFileSync(file).subarray(257, 265).toString('latin1') === 'ustar  \0';

/** Runs `script` as nixpkgs' VM runs tar: as root, umask 022, /etc/passwd holding root only, no /etc/group. */
function inVmUserDatabase(script: string, args: string[]): void {
  const db = fs.mkdtempSync(path.join(tmp, 'vm-db-'));
  fs.writeFileSync(path.join(db, 'passwd'), 'root:x:0:0:System administrator:/root:/bin/sh\n');
  fs.writeFileSync(path.join(db, 'group'), '');
  fs.writeFileSync(path.join(db, 'nsswitch.conf'), 'passwd: files\ngroup: files\n');
  const binds = ['passwd', 'group', 'nsswitch.conf'].map((f) => `mount --bind ${db}/${f} /etc/${f}`).join('\n');
  const r = spawnSync('unshare', ['-m', 'sh', '-euc', `${binds}\numask 022\n${script}`, 'sh', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`reference recipe failed (${r.status}): ${r.stderr}`);
}

// Whiteouts act on the layers below: remove their targets (or empty the opaque
// directory) first, unpack the layer, then delete the whiteout files it brought.
const RECIPE = `
root=$1; out=$2; shift 2
mkdir "$root"
for layer in "$@"; do
  tar -tf "$layer" | while IFS= read -r m; do
    m=\${m#./}; m=\${m%/}
    case "$m" in */*) dir=\${m%/*} ;; *) dir=. ;; esac
    base=\${m##*/}
    case "$base" in
      .wh..wh..opq) if [ -d "$root/$dir" ]; then find "$root/$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +; fi ;;
      .wh.*) rm -rf "$root/$dir/\${base#.wh.}" ;;
    esac
  done
  tar -C "$root" -xpf "$layer"
  find "$root" -depth -name '.wh.*' -exec rm -rf {} +
done
# nixpkgs tars an overlayfs mount whose root is its upper directory, made by
# \`mkdir layer\` in the VM (pkgs/build-support/docker/default.nix, runWithOverlay):
# the layers' ./ entries do not reach it.
chown 0:0 "$root"; chmod 0755 "$root"
tar -C "$root" --hard-dereference --sort=name --mtime=@315532800 -cf "$out" .
`;

/** nixpkgs' exportImage done with GNU tar on the image `repoTag` (default: the first) of a docker-archive. */
function referenceExport(archive: string, out: string, repoTag?: string): void {
  const dir = fs.mkdtempSync(path.join(tmp, 'ref-'));
  execFileSync('tar', ['-C', dir, '-xf', archive]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { RepoTags: string[]; Layers: string[] }[];
  const entry = repoTag ? manifest.find((e) => e.RepoTags.includes(repoTag))! : manifest[0]!;
  inVmUserDatabase(RECIPE, [path.join(dir, 'root'), out, ...entry.Layers.map((l) => path.join(dir, l))]);
  fs.rmSync(dir, { recursive: true, force: true });
}

function assertSameBytes(actual: string, expected: string): void {
  const a = fs.readFileSync(actual);
  const b = fs.readFileSync(expected);
  if (a.equals(b)) return;
  const listing = (f: string) => execFileSync('tar', ['--numeric-owner', '-tvf', f], { encoding: 'utf8' });
  assert.equal(listing(actual), listing(expected), `${actual} and ${expected} differ in their listings`);
  let at = 0;
  while (a[at] === b[at]) at++;
  assert.fail(`${actual} and ${expected} list the same but differ from byte ${at} (header of block ${Math.floor(at / 512)})`);
}

async function imported(file: string, ref: string): Promise<string> {
  await docker('image', 'import', file, ref);
  return ref;
}

const run = (image: string, script: string) => docker('run', '--rm', '--network', 'none', image, '/bin/sh', '-c', script);

test('a buildLayeredImage image: exported, imported and run by Docker; byte-identical to GNU tar; gz and zstd inputs agree', async () => {
  const gz = path.join(tmp, 'hello.tar.gz');
  const zst = path.join(tmp, 'hello.tar.zst');
  for (const [out, compressor] of [[gz, 'gz'], [zst, 'zstd']] as const) {
    await nixDockerOk(['buildLayeredImage', '--name', 'exp-hello', '--tag', 'v1', '--contents', fx.hello, '--contents', fx.busybox, '--contents', fx.nested, '--contents', fx.hardLinks, '--contents', fx.longName, '--extraCommands', 'mkdir -p tmp etc && echo hi > etc/motd', '--compressor', compressor, '--out', out]);
  }
  const fsTar = path.join(tmp, 'hello-fs.tar');
  const r = await nixDockerOk(['exportImage', '--fromImage', gz, '--name', 'hello-fs.tar', '--out', fsTar, '--json']);
  const report = r.json();
  assert.equal(report.archive, fsTar);
  assert.deepEqual([report.imageName, report.imageTag], ['exp-hello', 'v1']);
  assert.ok(isGnuTar(fsTar), 'an uncompressed GNU tar');

  const image = await imported(fsTar, 'exp-fs:1');
  const out = await run(image, 'hello; cat /etc/motd; ls -ld / /nix/store | cut -c1-10; test -d /tmp && echo has-tmp');
  assert.match(out, /Hello, world!\nhi\n/);
  assert.match(out, /has-tmp/);
  await removeImage(image);

  const reference = path.join(tmp, 'hello-ref.tar');
  referenceExport(gz, reference);
  assertSameBytes(fsTar, reference);
  // The manual's listing: ./ first, owners root with no group name, the fixed mtime.
  const listing = execFileSync('tar', ['-tvf', fsTar], { encoding: 'utf8' }).split('\n');
  assert.match(listing[0]!, /^drwxr-xr-x root\/0 +0 1980-01-01 00:00 \.\/$/);

  // Another work dir and cwd, zstd input: the same bytes.
  const again = path.join(tmp, 'hello-fs-again.tar');
  const workDir = fs.mkdtempSync(path.join(tmp, 'work-'));
  await nixDockerOk(['exportImage', '--fromImage', zst, '--name', 'x', '--out', again, '--work-dir', workDir], { cwd: workDir });
  assert.ok(fs.readFileSync(again).equals(fs.readFileSync(fsTar)), 'the zstd input exports the same bytes');
  assert.deepEqual(fs.readdirSync(workDir), [], 'nothing left in the work dir');
});

test('a buildImage image: the root ./ is 0755 root, as nixpkgs\' overlay gives it, although the layer\'s ./ is 0775', async () => {
  const archive = path.join(tmp, 'bi.tar');
  await nixDockerOk(['buildImage', '--name', 'exp-bi', '--tag', '1', '--copyToRoot', fx.hello, '--compressor', 'none', '--out', archive]);
  // nixpkgs' buildImage layer: rsync the contents into `layer`, then `chmod ug+w layer`.
  const unpacked = fs.mkdtempSync(path.join(tmp, 'bi-'));
  execFileSync('tar', ['-C', unpacked, '-xf', archive]);
  const [entry] = JSON.parse(fs.readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
  const layerRoot = execFileSync('tar', ['-tvf', path.join(unpacked, entry!.Layers.at(-1)!)], { encoding: 'utf8' }).split('\n')[0]!;
  assert.match(layerRoot, /^drwxrwxr-x .* \.\/$/, 'the case at stake: a layer whose ./ is not 0755');

  const out = path.join(tmp, 'bi-fs.tar');
  await nixDockerOk(['exportImage', '--fromImage', archive, '--name', 'bi-fs.tar', '--out', out]);
  const listing = execFileSync('tar', ['-tvf', out], { encoding: 'utf8' }).split('\n');
  assert.match(listing[0]!, /^drwxr-xr-x root\/0 +0 1980-01-01 00:00 \.\/$/);
  const reference = path.join(tmp, 'bi-ref.tar');
  referenceExport(archive, reference);
  assertSameBytes(out, reference);
});

/** Layer directories and a two-image docker-archive of them, made with GNU tar. */
function craftArchive(): { dir: string; archive: string; layers: string[] } {
  const dir = fs.mkdtempSync(path.join(tmp, 'craft-'));
  const busybox = findBusybox();
  const long = 'x'.repeat(120);
  sh(
    `
umask 022
mkdir -p L1/bin L1/etc L1/opq/sub L1/data L1/long/${long} L1/owned L1/devs L1/ro L2/etc L2/opq L2/data L2/ro L3/newdir
cp ${busybox} L1/bin/busybox && ln -s busybox L1/bin/sh
echo keep > L1/etc/keep; echo gone > L1/etc/gone; echo v1 > L1/etc/motd
echo a > L1/opq/a; echo b > L1/opq/sub/b
echo hard > L1/data/target; ln L1/data/target L1/data/link
echo deep > L1/long/${long}/file; ln -s ../etc/keep L1/long/${long}/link-with-a-long-target-${long}
echo u > L1/owned/user-file; chown 4242:4343 L1/owned/user-file
echo s > L1/owned/setuid; chmod 4755 L1/owned/setuid
mkfifo L1/devs/fifo; mknod L1/devs/zero c 1 5
chmod 0555 L1/ro
: > L2/etc/.wh.gone; echo v2 > L2/etc/motd
: > L2/opq/.wh..wh..opq; echo new > L2/opq/new
: > L2/data/.wh.target
chmod 0750 L2/ro
echo x > L3/newdir/x
tar -C L1 --sort=name -cf l1.tar .
tar -C L2 --sort=name -cf l2.tar .
tar -C L3 --owner=root:1234 --group=wheel:77 -cf l3.tar newdir/x
`,
    dir,
  );
  const layers = ['l1.tar', 'l2.tar', 'l3.tar'];
  const diffId = (l: string) => `sha256:${execFileSync('sha256sum', [path.join(dir, l)], { encoding: 'utf8' }).split(' ')[0]}`;
  const config = (ls: string[]) => JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: ls.map(diffId) } });
  fs.writeFileSync(path.join(dir, 'c1.json'), config(['l1.tar']));
  fs.writeFileSync(path.join(dir, 'c2.json'), config(layers));
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify([
      { Config: 'c1.json', RepoTags: ['exp/base:1'], Layers: ['l1.tar'] },
      { Config: 'c2.json', RepoTags: ['exp/full:2'], Layers: layers },
    ]),
  );
  const archive = path.join(dir, 'multi.tar');
  execFileSync('tar', ['-C', dir, '-cf', archive, 'manifest.json', 'c1.json', 'c2.json', ...layers]);
  return { dir, archive, layers };
}

test('whiteouts, opaque directories, hard links, devices, owners: as GNU tar unpacking the layers gives them, and Docker runs the result', async () => {
  const { archive } = craftArchive();
  const out = path.join(tmp, 'full-fs.tar');
  await nixDockerOk(['exportImage', '--fromImage', archive, '--fromImageName', 'exp/full', '--fromImageTag', '2', '--name', 'full-fs.tar', '--out', out]);
  const reference = path.join(tmp, 'full-ref.tar');
  referenceExport(archive, reference, 'exp/full:2');
  assertSameBytes(out, reference);

  const listing = execFileSync('tar', ['--numeric-owner', '-tvf', out], { encoding: 'utf8' });
  assert.doesNotMatch(listing, /\.wh\./, 'no whiteout is left');
  assert.doesNotMatch(listing, /etc\/gone|opq\/a|opq\/sub|data\/target/);
  assert.match(listing, /^-rw-r--r-- 0\/77 .* \.\/newdir\/x$/m, 'uname root means uid 0 in the VM; gid stays numeric');
  assert.match(listing, /^drwxr-x--- 0\/0 .* \.\/ro\/$/m, 'a later directory entry changes the metadata');
  assert.match(listing, /^-rw-r--r-- 4242\/4343 .* \.\/owned\/user-file$/m);
  assert.match(listing, /^-rwsr-xr-x 0\/0 .* \.\/owned\/setuid$/m);
  assert.match(listing, /^crw-r--r-- 0\/0 +1,5 .* \.\/devs\/zero$/m);

  const image = await imported(out, 'exp-full:2');
  // Docker mounts its own /etc/hosts, hostname, resolv.conf: the layers' files are named otherwise.
  const seen = await run(image, 'ls /etc | grep -v -e hostname -e hosts -e resolv.conf -e mtab; cat /etc/motd; ls -A /opq; cat /data/link; ls /data; test ! -e /etc/gone && echo gone-ok; cat /newdir/x');
  assert.equal(seen, 'keep\nmotd\nv2\nnew\nhard\nlink\ngone-ok\nx\n');
  await removeImage(image);
});

test('fromImageName/fromImageTag pick the image of a multi-image archive; gz, zstd and a gzip layer give the same bytes', async () => {
  const { dir, archive, layers } = craftArchive();
  const first = path.join(tmp, 'first.tar');
  await nixDockerOk(['exportImage', '--fromImage', archive, '--name', 'first.tar', '--out', first]);
  const reference = path.join(tmp, 'first-ref.tar');
  referenceExport(archive, reference, 'exp/base:1');
  assertSameBytes(first, reference);

  // Only one of the two: the first image, with a warning (as the manual says).
  const half = path.join(tmp, 'half.tar');
  const r = await nixDockerOk(['exportImage', '--fromImage', archive, '--fromImageName', 'exp/full', '--name', 'half.tar', '--out', half]);
  assert.match(r.stderr, /select an image only together/);
  assert.ok(fs.readFileSync(half).equals(fs.readFileSync(first)));

  const missing = await nixDocker(['exportImage', '--fromImage', archive, '--fromImageName', 'exp/full', '--fromImageTag', '9', '--name', 'm.tar', '--out', path.join(tmp, 'm.tar')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^nix-docker: attribute 'fromImageName': no image exp\/full:9 .*it holds: exp\/base:1, exp\/full:2\n$/);
  assert.ok(!fs.existsSync(path.join(tmp, 'm.tar')));

  const full = path.join(tmp, 'full.tar');
  await nixDockerOk(['exportImage', '--fromImage', archive, '--fromImageName', 'exp/full', '--fromImageTag', '2', '--name', 'full.tar', '--out', full]);
  execFileSync('gzip', ['-k', '-n', archive]);
  execFileSync('zstd', ['-q', '-k', archive]);
  // A layer stored gzip-compressed (as OCI layouts and some tools keep them).
  execFileSync('gzip', ['-k', '-n', path.join(dir, 'l2.tar')]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  manifest[1].Layers = layers.map((l) => (l === 'l2.tar' ? 'l2.tar.gz' : l));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  const gzLayer = path.join(dir, 'gz-layer.tar');
  execFileSync('tar', ['-C', dir, '-cf', gzLayer, 'manifest.json', 'c1.json', 'c2.json', 'l1.tar', 'l2.tar.gz', 'l3.tar']);
  for (const input of [`${archive}.gz`, `${archive}.zst`, gzLayer]) {
    const out = path.join(tmp, `full-${path.basename(input)}.tar`);
    await nixDockerOk(['exportImage', '--fromImage', input, '--fromImageName', 'exp/full', '--fromImageTag', '2', '--name', 'f', '--out', out]);
    assert.ok(fs.readFileSync(out).equals(fs.readFileSync(full)), `${path.basename(input)}: the same bytes`);
  }
});

/**
 * A tar of `members` written with our header encoder (any name, however hostile); with
 * `hardLinks`, symlinks become hard links (the encoder writes none: its type flag is patched).
 */
function tarOf(members: { name: string; type?: TarHeader['type']; linkname?: string; data?: string }[], opts: { hardLinks?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.data ?? '');
    const type = m.type ?? 'file';
    const header = encodeHeader({ name: m.name, type, mode: 0o644, size: type === 'file' ? data.length : 0, mtime: 0, uid: 0, gid: 0, uname: '', gname: '', linkname: m.linkname }, { dialect: 'gnu' });
    if (type === 'symlink' && opts.hardLinks) {
      const block = header.subarray(header.length - 512);
      block[156] = 0x31;
      let sum = 8 * 0x20;
      for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += block[i]!;
      block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
    }
    parts.push(header);
    if (type === 'file') parts.push(data, Buffer.alloc(paddingSize(data.length)));
  }
  const size = parts.reduce((n, p) => n + p.length, 0);
  return Buffer.concat([...parts, Buffer.alloc(endOfArchiveSize(size))]);
}

/** A one-image docker-archive of `layers`. */
function archiveOf(name: string, layers: Buffer[]): string {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  const files = layers.map((l, i) => {
    fs.writeFileSync(path.join(dir, `${i}.tar`), l);
    return `${i}.tar`;
  });
  const diffIds = files.map((f) => `sha256:${execFileSync('sha256sum', [path.join(dir, f)], { encoding: 'utf8' }).split(' ')[0]}`);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: [`${name}:1`], Layers: files }]));
  const archive = path.join(tmp, `${name}.tar`);
  execFileSync('tar', ['-C', dir, '-cf', archive, 'manifest.json', 'config.json', ...files]);
  return archive;
}

test('hostile layers: .. names, writing through a symlink, hard links out of the tree are refused; nothing touches the host', async () => {
  const host = fs.mkdtempSync(path.join(tmp, 'host-'));
  const cases: [string, Buffer[], RegExp][] = [
    ['dotdot', [tarOf([{ name: '../escape', data: 'x' }])], /member '\.\.\/escape' has a '\.\.' component/],
    ['deep-dotdot', [tarOf([{ name: 'a/../../escape', data: 'x' }])], /has a '\.\.' component/],
    ['symlink-then-file', [tarOf([{ name: 'evil', type: 'symlink', linkname: host }]), tarOf([{ name: 'evil/pwned', data: 'x' }])], /member 'evil\/pwned' lies under 'evil', which is a symlink/],
    ['same-layer', [tarOf([{ name: 'evil', type: 'symlink', linkname: '/' }, { name: 'evil/etc/pwned', data: 'x' }])], /lies under 'evil', which is a symlink/],
    ['hardlink-out', [tarOf([{ name: 'p', type: 'symlink', linkname: '../../etc/passwd' }], { hardLinks: true })], /member 'p' links to '\.\.\/\.\.\/etc\/passwd', which has a '\.\.' component/],
  ];

  for (const [name, layers, expected] of cases) {
    const archive = archiveOf(name, layers);
    const cwd = fs.mkdtempSync(path.join(tmp, 'cwd-'));
    const r = await nixDocker(['exportImage', '--fromImage', archive, '--name', 'out.tar'], { cwd });
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, expected, name);
    assert.match(r.stderr, /^nix-docker: attribute 'fromImage': [^\n]*\n$/, `${name}: one line naming fromImage`);
    assert.deepEqual(fs.readdirSync(cwd), [], `${name}: no output left`);
  }
  assert.deepEqual(fs.readdirSync(host), []);
  assert.ok(!fs.existsSync(path.join(tmp, 'escape')) && !fs.existsSync('/escape') && !fs.existsSync('/etc/pwned'));

  // Absolute and dotted names are only names: they land inside the exported tree.
  const ok = archiveOf('abs', [tarOf([{ name: '/abs/file', data: 'a' }, { name: './rel/./x', data: 'b' }, { name: 'link', type: 'symlink', linkname: '/etc/passwd' }])]);
  const out = path.join(tmp, 'abs-fs.tar');
  await nixDockerOk(['exportImage', '--fromImage', ok, '--name', 'abs', '--out', out]);
  const names = execFileSync('tar', ['-tf', out], { encoding: 'utf8' });
  assert.equal(names, './\n./abs/\n./abs/file\n./link\n./rel/\n./rel/x\n');
});

test('bad attributes: exit 2, one line naming the attribute, no output file', async () => {
  const { archive } = craftArchive();
  const cwd = fs.mkdtempSync(path.join(tmp, 'bad-'));
  const cases: [string[], RegExp][] = [
    [['--fromImage', archive, '--bogus', '1', '--out', 'o.tar'], /^nix-docker: attribute 'bogus': not an attribute of exportImage/],
    [['--fromImage', archive, '--diskSize', '-1', '--out', 'o.tar'], /^nix-docker: attribute 'diskSize': expected an integer >= 1, got number -1$/],
    [['--fromImage', archive, '--diskSize', 'big', '--out', 'o.tar'], /^nix-docker: attribute 'diskSize': expected an integer/],
    [['--name', 'o.tar'], /^nix-docker: attribute 'fromImage': is required$/],
    [['--fromImage', path.join(cwd, 'nope.tar'), '--name', 'o.tar'], /^nix-docker: attribute 'fromImage': .*no such file/],
    [['--fromImage', archive], /^nix-docker: attribute 'name': is required when fromImage is a path outside the Nix store/],
    [['--fromImage', archive, '--name', 'a/b'], /^nix-docker: attribute 'name': 'a\/b' is not a file name/],
    [['--fromImage', archive, '--name', 'o.tar', '--load'], /^nix-docker: --load: exportImage writes a filesystem tar, not an image/],
    [['--fromImage', archive, '--name', 'o.tar', '--push', 'localhost:5000/a:1'], /^nix-docker: --push: exportImage writes a filesystem tar/],
  ];
  for (const [args, expected] of cases) {
    const r = await nixDocker(['exportImage', ...args], { cwd });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr.trim(), expected);
    assert.deepEqual(fs.readdirSync(cwd), [], `${args.join(' ')}: nothing written`);
  }
});

test('a store path as fromImage names the output as fromImage.name does (an uncompressed tar named .tar.gz, as the manual warns)', async () => {
  const gz = path.join(tmp, 'named', 'hello.tar.gz');
  fs.mkdirSync(path.dirname(gz));
  await nixDockerOk(['buildLayeredImage', '--name', 'exp-named', '--contents', fx.busybox, '--out', gz]);
  const storePath = execFileSync('nix-store', ['--add', gz], { encoding: 'utf8' }).trim();
  const cwd = fs.mkdtempSync(path.join(tmp, 'named-cwd-'));
  await nixDockerOk(['exportImage', '--fromImage', storePath], { cwd });
  assert.deepEqual(fs.readdirSync(cwd), ['hello.tar.gz']);
  assert.ok(isGnuTar(path.join(cwd, 'hello.tar.gz')));
});

test("the action's delivery: exportImage writes $RUNNER_TEMP/<name>; the outputs name the image exported", async () => {
  const { archive } = craftArchive();
  const tmpRoot = fs.mkdtempSync(path.join(tmp, 'runner-temp-'));
  const inputs = getInputs({ INPUT_FUNCTION: 'exportImage', INPUT_FROMIMAGE: archive, INPUT_FROMIMAGENAME: 'exp/full', INPUT_FROMIMAGETAG: '2', INPUT_NAME: 'fs.tar', INPUT_ARTIFACT: 'filesystem' });
  assert.equal(inputs.target.kind, 'export');
  const report = await produce(inputs, { env: {}, tmpRoot, log: new ActionLog(), access: { env: {}, cleanup: async () => {} } });
  assert.equal(report.archive, path.join(tmpRoot, 'fs.tar'));
  assert.deepEqual([report.function, report.image, report.loaded, report.pushed], ['exportImage', 'exp/full:2', [], []]);
  assert.match(report.configDigest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(report.layers.length, 3);
  assert.ok(isGnuTar(report.archive));
  // The artifact is the file itself, named after it (src/sinks/artifact.ts uploads any single file).
  assert.equal(artifactName(report.archive, inputs.artifact!), 'filesystem.tar');
  const reference = path.join(tmp, 'action-ref.tar');
  referenceExport(archive, reference, 'exp/full:2');
  assertSameBytes(report.archive, reference);
  assert.deepEqual(fs.readdirSync(tmpRoot), ['fs.tar'], 'the work dir is removed');
});

test('LayerTree: replacements drop what was there; a hard link is a copy of its target; missing parents are root 0755', () => {
  const m = (name: string, type: string, extra: Partial<TarMember> = {}): TarMember => ({ name, type, linkname: '', offset: 0, size: 0, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', devmajor: 0, devminor: 0, ...extra });
  const tree = new LayerTree();
  tree.apply([m('d/', '5', { mode: 0o700, uid: 5 }), m('d/f', '0', { size: 3, offset: 512, uid: 7 }), m('s', '2', { linkname: 'd' })], 'one', 'layer 1');
  tree.apply([m('h', '1', { linkname: 'd/f', mode: 0o600 }), m('d', '0', { size: 1, offset: 2048 }), m('s/', '5'), m('p/q/r', '6')], 'two', 'layer 2');
  const root = tree.root.children!;
  assert.deepEqual(root.get('h'), { type: 'file', mode: 0o644, uid: 7, gid: 0, content: { file: 'one', offset: 512, size: 3 } } satisfies FsNode);
  assert.deepEqual(root.get('d'), { type: 'file', mode: 0o644, uid: 0, gid: 0, content: { file: 'two', offset: 2048, size: 1 } } satisfies FsNode);
  assert.equal(root.get('s')!.type, 'directory');
  assert.deepEqual({ ...root.get('p')!, children: undefined }, { type: 'directory', mode: 0o755, uid: 0, gid: 0, children: undefined });
  assert.throws(() => tree.apply([m('h/x', '0')], 'three', 'layer 3'), /layer 3: member 'h\/x' lies under 'h', which is a file/);
  assert.throws(() => tree.apply([m('x', '1', { linkname: 'nowhere' })], 'three', 'layer 3'), /hard link to 'nowhere', which is not in the layers so far/);
  assert.throws(() => tree.apply([m('y', 'S')], 'three', 'layer 3'), /tar type 'S'/);
  // The root is the overlay's upper directory: a layer's ./ changes nothing of it.
  tree.apply([m('./', '5', { mode: 0o775, uid: 5, gid: 6 })], 'four', 'layer 4');
  assert.deepEqual([tree.root.mode, tree.root.uid, tree.root.gid], [0o755, 0, 0]);
});
