// streamNixShellImage / buildNixShellImage end to end: real derivations (from
// test/fixtures/nix/nixshell.nix, which also stands in for nixpkgs as the package
// source), the CLI as a user runs it, a real Docker engine running the images.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBusybox, useOfflineNix } from './helpers/nixFixtures.ts';
import { nixDocker, nixDockerOk } from './helpers/cli.ts';
import { docker, dockerRun, removeImage } from './helpers/docker.ts';
import { readArchive } from './helpers/archive.ts';
import { parseShowDerivationJson } from '../src/nix/index.ts';
import { escapeShellArg, packageInstallable, rcfileText } from '../src/functions/nixShellImage.ts';
import { parseSpec } from '../src/spec/index.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/nix/nixshell.nix', import.meta.url));

useOfflineNix();
let tmp: string;
let pkgs: string;
/** The stand-in package source, as NIX_DOCKER_NIXPKGS. */
let env: NodeJS.ProcessEnv;
const images: string[] = [];

/** Debian's static bash (apt-get install bash-static), by its real path. */
function findBashStatic(): string {
  for (const c of [process.env.NIX_DOCKER_TEST_BASH, '/bin/bash-static', '/usr/bin/bash-static']) {
    if (c && fs.existsSync(c)) return fs.realpathSync(c);
  }
  throw new Error('the streamNixShellImage tests need a static bash: apt-get install bash-static (or set NIX_DOCKER_TEST_BASH)');
}

function nixBuild(attr: string, file = pkgs, outLink?: string): string {
  const args = [file, '-A', attr, ...(outLink ? ['--out-link', outLink] : ['--no-out-link'])];
  return execFileSync('nix-build', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function instantiate(attr: string): string {
  return execFileSync('nix-instantiate', [pkgs, '-A', attr], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function load(archive: Buffer): string {
  const r = spawnSync('docker', ['load'], { input: archive });
  assert.equal(r.status, 0, r.stderr?.toString());
  const m = /Loaded image: (\S+)/.exec(r.stdout.toString());
  assert.ok(m, r.stdout.toString());
  images.push(m[1]!);
  return m[1]!;
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixshell-test-'));
  pkgs = path.join(tmp, 'pkgs.nix');
  fs.writeFileSync(pkgs, `import ${FIXTURE} { busyboxBin = ${findBusybox()}; bashBin = ${findBashStatic()}; }\n`);
  env = { NIX_DOCKER_NIXPKGS: pkgs };
});

after(async () => {
  for (const i of images) await removeImage(i);
});

test('streamNixShellImage --run: buildDerivation builds in the container, as the build user, in /build, with the derivation\'s environment', async () => {
  const run = [
    'buildDerivation',
    'cat $out/share/greeting',
    'cat $doc/README',
    'echo "uid=$(id -u) gid=$(id -g) user=$(id -un) pwd=$PWD home=$HOME top=$NIX_BUILD_TOP tmp=$TMPDIR"',
    'echo "message=$message stores=$NIX_STORE cores=$NIX_BUILD_CORES term=$TERM"',
    'echo "shell=$SHELL"',
  ].join(' && ');
  const r = await nixDockerOk(['streamNixShellImage', '--drv', `${pkgs}#greeting`, '--tag', 'run', '--run', run], { env });
  const image = load(r.stdout);
  assert.equal(image, 'greeting-1.0-env:run');
  const out = await dockerRun(image);
  const bash = nixBuild('bashInteractive');
  assert.equal(
    out,
    [
      // stdenv's setup defines runHook, so the rcfile runs shellHook first.
      'shellHook ran: Hello from the build',
      'Hello from the build',
      'from a dependency',
      'passed as a file',
      'the source',
      'uid=1000 gid=1000 user=nixbld pwd=/build home=/build top=/build tmp=/build',
      'message=Hello from the build stores=/nix/store cores=1 term=xterm-256color',
      `shell=${bash}/bin/bash`,
      '',
    ].join('\n'),
  );
});

test('the image config: nix-shell\'s Cmd, User, WorkingDir and Env; the inputs are in the image, the outputs are not', async () => {
  const r = await nixDockerOk(['streamNixShellImage', '--drv', `${pkgs}#greeting`, '--tag', 'cfg'], { env });
  const view = await readArchive(r.stdout);
  const config = view.config.config;
  const drv = instantiate('greeting');
  const show = JSON.parse(execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'show-derivation', drv], { encoding: 'utf8' }))[drv];
  const bash = nixBuild('bashInteractive');
  const cacert = nixBuild('cacert');
  assert.equal(config.User, '1000:1000');
  assert.equal(config.WorkingDir, '/build');
  assert.equal(config.Cmd.length, 3);
  assert.deepEqual(config.Cmd.slice(0, 2), [`${bash}/bin/bash`, '--rcfile']);
  assert.match(config.Cmd[2], /^\/nix\/store\/[a-z0-9]{32}-nix-shell-rc$/);

  const vars = new Map<string, string>(config.Env.map((e: string) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const names = config.Env.map((e: string) => e.slice(0, e.indexOf('=')));
  assert.deepEqual(names, [...names].sort(), 'Env is in attribute name order');
  // nixpkgs (pkgs/build-support/docker/default.nix, streamNixShellImage):
  // `PATH = staticPath;` with `staticPath = "${dirOf shell}:${lib.makeBinPath [ builder ]}"`,
  // builder being the buildDerivation script.
  const buildDerivation = view.layers
    .flat()
    .map((e) => /^(?:\.?\/)?(nix\/store\/[a-z0-9]{32}-buildDerivation)\/?$/.exec(e.name)?.[1])
    .find((p) => p !== undefined);
  assert.ok(buildDerivation, 'buildDerivation is in the image');
  assert.equal(vars.get('PATH'), `${bash}/bin:/${buildDerivation}/bin`);
  assert.equal(vars.get('SSL_CERT_FILE'), `${cacert}/etc/ssl/certs/ca-bundle.crt`);
  assert.equal(vars.get('NIX_SSL_CERT_FILE'), `${cacert}/etc/ssl/certs/ca-bundle.crt`);
  assert.equal(vars.get('NIX_LOG_FD'), '2');
  for (const v of ['NIX_BUILD_TOP', 'TMPDIR', 'TEMPDIR', 'TMP', 'TEMP', 'PWD']) assert.equal(vars.get(v), '/build', v);
  assert.equal(vars.get('out'), show.outputs.out.path);
  assert.equal(vars.get('doc'), show.outputs.doc.path);
  assert.equal(vars.get('message'), 'Hello from the build');
  assert.equal(vars.get('shellHook'), 'echo "shellHook ran: $message"');
  assert.equal(vars.get('passAsFile'), 'bigText');
  assert.equal(vars.has('bigText'), false, 'a passAsFile attribute becomes <name>Path');
  assert.match(vars.get('bigTextPath')!, /^\/nix\/store\/[a-z0-9]{32}-shell-passAsFile-bigText$/);
  assert.equal(vars.has('args'), false);

  // Store layers hold the inputs (input sources, outputs of input derivations) and the
  // helpers, not the derivation's outputs (built in the container).
  const inStore = new Set(view.layers.flat().map((e) => /^(?:\.?\/)?nix\/store\/([^/]+)\/?$/.exec(e.name)?.[1]).filter((n): n is string => n !== undefined).map((n) => `/nix/store/${n}`));
  for (const p of [...show.inputSrcs, vars.get('stdenv'), vars.get('greetLib'), bash, cacert, vars.get('bigTextPath'), config.Cmd[2]]) assert.ok(inStore.has(p), `${p} is in the image`);
  assert.ok(!inStore.has(show.outputs.out.path) && !inStore.has(show.outputs.doc.path), 'the outputs are not in the image');
  assert.ok([...inStore].some((p) => p.endsWith('-buildDerivation')), 'buildDerivation is in the image');

  // The customisation layer: /nix/store, /nix/var/nix, /etc/nix and /build belong to the build user.
  const custom = view.layers.at(-1)!;
  const owner = (name: string) => custom.find((e) => e.name.replace(/^\.\//, '').replace(/\/$/, '') === name);
  for (const d of ['nix', 'nix/store', 'nix/var/nix', 'etc/nix', 'build']) {
    assert.equal(owner(d)?.uid, 1000, d);
    assert.equal(owner(d)?.gid, 1000, d);
  }
  assert.match(owner('etc/passwd')?.linkname ?? '', /-fake-nss\/etc\/passwd$/);
  assert.match(owner('usr/bin/env')?.linkname ?? '', /-coreutils-busybox\/bin\/env$/);
  assert.equal(owner('bin/sh')?.linkname, `${bash}/bin/bash`);
});

test('a command given to docker run finds the shell and buildDerivation on PATH, as in nixpkgs\' docker-tools-nix-shell test', async () => {
  // nixos/tests/docker-tools-nix-shell.nix, "buildNixShellImage: Can build a basic derivation":
  //   docker run --rm nix-shell-basic bash -c 'buildDerivation && $out/bin/hello' | grep '^Hello, world!$'
  const r = await nixDockerOk(['streamNixShellImage', '--drv', `${pkgs}#hello`, '--name', 'nix-shell-basic', '--tag', 'latest'], { env });
  const image = load(r.stdout);
  assert.equal(image, 'nix-shell-basic:latest');
  assert.equal(await dockerRun(image, 'bash', '-c', 'buildDerivation && $out/bin/hello'), 'Hello, world!\n');
});

test('command runs in an interactive shell, run in a non-interactive one; both exit after', async () => {
  const command = await nixDockerOk(['streamNixShellImage', '--drv', `${pkgs}#greeting`, '--tag', 'command', '--command', 'echo "flags=$-"'], { env });
  const image = load(command.stdout);
  // An interactive shell reads the rcfile only on a terminal.
  const out = (await docker('run', '--rm', '-t', '--network', 'none', image)).replaceAll('\r', '');
  assert.match(out, /^shellHook ran: Hello from the build\nflags=\S*i\S*\n$/);

  const run = await nixDockerOk(['streamNixShellImage', '--drv', `${pkgs}#greeting`, '--tag', 'run2', '--run', 'echo "flags=$-"'], { env });
  const runImage = load(run.stdout);
  const config = (await readArchive(run.stdout)).config.config;
  assert.equal(config.Cmd.length, 2, 'run: [shell rcfile]');
  const runOut = await dockerRun(runImage);
  assert.match(runOut, /^shellHook ran: Hello from the build\nflags=[^i\n]*\n$/);
});

test('without a stdenv there is no runHook, so shellHook does not run (as in nixpkgs); a given shell needs no bashInteractive', async () => {
  // A package source without bashInteractive: given `shell`, it is not asked for.
  const noBash = path.join(tmp, 'no-bash.nix');
  fs.writeFileSync(noBash, `builtins.removeAttrs (import ${pkgs}) [ "bashInteractive" ]\n`);
  const bash = nixBuild('bashInteractive');
  const r = await nixDockerOk(['streamNixShellImage', '--drv', `${pkgs}#plain`, '--tag', 'plain', '--shell', `${bash}/bin/bash`, '--run', 'buildDerivation && read -r built < "$out" && echo "built: $built, hook: ${shellHook}"'], { env: { NIX_DOCKER_NIXPKGS: noBash } });
  const out = await dockerRun(load(r.stdout));
  assert.equal(out, 'built: plain-built, hook: echo shellHook ran\n');

  // Without `shell`, that package source lacks what is needed: the error says where it looked.
  const bad = await nixDocker(['streamNixShellImage', '--drv', `${pkgs}#plain`, '--run', 'true'], { env: { NIX_DOCKER_NIXPKGS: noBash } });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /takes bashInteractive \(the default shell\) from .*no-bash\.nix#bashInteractive; set NIX_DOCKER_NIXPKGS/);
  assert.equal(bad.stdout.length, 0);
});

test('buildNixShellImage writes <drv name>-env.tar.gz that loads; a second build is byte-identical', async () => {
  const dirs = [1, 2].map((i) => fs.mkdtempSync(path.join(tmp, `build${i}-`)));
  for (const dir of dirs) {
    // The derivation named by its output, through a ./result link.
    nixBuild('plain', pkgs, path.join(dir, 'result'));
    const r = await nixDockerOk(['buildNixShellImage', '--drv', './result', '--run', 'echo "in $PWD as $(id -u 2>/dev/null || echo $UID)"', '--json', '--work-dir', dir], { env, cwd: dir });
    assert.equal(r.json().imageName, 'plain-1.0-env');
    assert.match(r.json().imageTag, /^[a-z0-9]{32}$/, 'a null tag is derived from the content');
  }
  const files = dirs.map((d) => path.join(d, 'plain-1.0-env.tar.gz'));
  const bytes = files.map((f) => fs.readFileSync(f));
  assert.equal(bytes[0]![0], 0x1f);
  assert.equal(bytes[0]![1], 0x8b);
  assert.ok(bytes[0]!.equals(bytes[1]!), 'the two archives differ');

  const loaded = execFileSync('docker', ['load', '-i', files[0]!], { encoding: 'utf8' });
  const image = /Loaded image: (\S+)/.exec(loaded)![1]!;
  images.push(image);
  assert.match(image, /^plain-1\.0-env:[a-z0-9]{32}$/);
  assert.equal(await dockerRun(image), 'in /build as 1000\n');
});

test('name, uid, gid and homeDirectory', async () => {
  const r = await nixDockerOk(['streamNixShellImage', '--drv', instantiate('greeting'), '--name', 'Custom-Env', '--tag', 'v', '--uid', '1234', '--gid', '2345', '--homeDirectory', '/home/builder', '--run', 'echo "$(id -u):$(id -g) $(id -un) $HOME"; grep nixbld /etc/passwd /etc/group'], { env });
  const image = load(r.stdout);
  assert.equal(image, 'custom-env:v');
  assert.equal(
    await dockerRun(image),
    ['shellHook ran: Hello from the build', '1234:2345 nixbld /home/builder', '/etc/passwd:nixbld:x:1234:2345:Build user:/home/builder:/noshell', '/etc/group:nixbld:!:2345:', ''].join('\n'),
  );
});

test('errors: command with run, drv missing or not a derivation, unknown attributes: exit 2, one line naming it, nothing written', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'errors-'));
  const added = execFileSync('nix-store', ['--add', pkgs], { encoding: 'utf8' }).trim();
  const cases: [string[], RegExp][] = [
    [['--drv', `${pkgs}#plain`, '--command', 'a', '--run', 'b'], /^nix-docker: attribute 'run': cannot be given together with 'command'/],
    [['--run', 'true'], /^nix-docker: attribute 'drv': is required$/],
    [['--drv', path.join(dir, 'nonexistent')], /^nix-docker: attribute 'drv': .*nonexistent: not a \.drv, a store path/],
    [['--drv', `${pkgs}#nope`], /^nix-docker: attribute 'drv': .*#nope: cannot evaluate it to a derivation: error: attribute 'nope'/],
    [['--drv', added], /^nix-docker: attribute 'drv': \/nix\/store\/\S+-pkgs\.nix has no known derivation/],
    [['--drv', `${pkgs}#plain`, '--contents', '/x'], /^nix-docker: attribute 'contents': not an attribute of buildNixShellImage/],
    [['--drv', `${pkgs}#plain`, '--uid', '-1'], /^nix-docker: attribute 'uid': expected an integer >= 0/],
    [['--drv', `${pkgs}#plain`, '--shell', path.join(dir, 'bash')], /^nix-docker: attribute 'shell': .*bash: not a store path/],
  ];
  for (const [args, re] of cases) {
    const r = await nixDocker(['buildNixShellImage', ...args], { env, cwd: dir });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr.trimEnd(), re);
    assert.equal(r.stdout.length, 0);
  }
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing written');
  const stream = await nixDocker(['streamNixShellImage', '--drv', `${pkgs}#plain`, '--command', 'a', '--run', 'b'], { env, cwd: dir });
  assert.equal(stream.status, 2);
  assert.equal(stream.stdout.length, 0);
});

test('nix show-derivation: the Nix 2.8 shape and the later ones (base names, inputs.{srcs,drvs}, structuredAttrs) read alike', () => {
  const h = (c: string) => c.repeat(32);
  const drv = `/nix/store/${h('a')}-hello-2.12.drv`;
  const expected = {
    drvPath: drv,
    name: 'hello-2.12',
    system: 'x86_64-linux',
    builder: `/nix/store/${h('b')}-bash/bin/bash`,
    args: ['-e', `/nix/store/${h('c')}-builder.sh`],
    env: { name: 'hello-2.12', out: `/nix/store/${h('d')}-hello-2.12`, builder: `/nix/store/${h('b')}-bash/bin/bash` },
    outputs: { out: `/nix/store/${h('d')}-hello-2.12` },
    inputSrcs: [`/nix/store/${h('c')}-builder.sh`],
    inputDrvs: { [`/nix/store/${h('f')}-bash.drv`]: ['out'] },
    structuredAttrs: false,
  };
  const old = {
    [drv]: {
      outputs: { out: { path: `/nix/store/${h('d')}-hello-2.12` } },
      inputSrcs: [`/nix/store/${h('c')}-builder.sh`],
      inputDrvs: { [`/nix/store/${h('f')}-bash.drv`]: ['out'] },
      platform: 'x86_64-linux',
      builder: expected.builder,
      args: expected.args,
      env: expected.env,
    },
  };
  assert.deepEqual(parseShowDerivationJson(JSON.stringify(old), drv, '/nix/store'), expected);
  const v4 = {
    version: 4,
    derivations: {
      [`${h('a')}-hello-2.12.drv`]: {
        name: 'hello-2.12',
        version: 4,
        outputs: { out: { path: `${h('d')}-hello-2.12` } },
        inputs: { srcs: [`${h('c')}-builder.sh`], drvs: { [`${h('f')}-bash.drv`]: { outputs: ['out'], dynamicOutputs: {} } } },
        system: 'x86_64-linux',
        builder: expected.builder,
        args: expected.args,
        env: expected.env,
      },
    },
  };
  assert.deepEqual(parseShowDerivationJson(JSON.stringify(v4), drv, '/nix/store'), expected);
  const structured = { [drv]: { ...old[drv], env: { ...expected.env, __json: '{}' } } };
  assert.equal(parseShowDerivationJson(JSON.stringify(structured), drv, '/nix/store').structuredAttrs, true);
  const floating = { [drv]: { ...old[drv], outputs: { out: { hashAlgo: 'sha256', method: 'nar' } } } };
  assert.deepEqual(parseShowDerivationJson(JSON.stringify(floating), drv, '/nix/store').outputs, { out: null });
});

test('spec: defaults, the package source, the rcfile', () => {
  const spec = parseSpec('buildNixShellImage', new Map([['drv', { text: ['./result'] }]]));
  assert.deepEqual(
    { name: spec.name, tag: spec.tag, uid: spec.uid, gid: spec.gid, homeDirectory: spec.homeDirectory, shell: spec.shell, command: spec.command, run: spec.run, compressor: spec.compressor },
    { name: null, tag: null, uid: 1000, gid: 1000, homeDirectory: '/build', shell: null, command: null, run: null, compressor: 'gz' },
  );
  assert.equal(parseSpec('streamNixShellImage', new Map([['drv', { text: ['./result'] }]])).compressor, 'none');

  assert.equal(packageInstallable('coreutils', {}), 'nixpkgs#coreutils');
  assert.equal(packageInstallable('cacert', { NIX_DOCKER_NIXPKGS: '/src/pkgs.nix' }), '/src/pkgs.nix#cacert');
  assert.equal(packageInstallable('cacert', { NIX_DOCKER_NIXPKGS: 'github:NixOS/nixpkgs/nixos-24.05' }), 'github:NixOS/nixpkgs/nixos-24.05#cacert');

  assert.equal(escapeShellArg('/nix/store/x-bash/bin/bash'), '/nix/store/x-bash/bin/bash');
  assert.equal(escapeShellArg("it's here"), "'it'\\''s here'");
  const rc = rcfileText('/s/bin/bash', '/s/bin:/b/bin', { command: null, run: 'make check' });
  assert.match(rc, /^unset PATH\ndontAddDisableDepTrack=1\n\[ -e \$stdenv\/setup \] && source \$stdenv\/setup\nPATH=\/s\/bin:\/b\/bin:"\$PATH"\n/);
  assert.match(rc, /if \[ "\$\(type -t runHook\)" = function \]; then\n  runHook shellHook\nfi\n/);
  assert.match(rc, /shopt -s execfail\n\nmake check\nexit\n$/);
  assert.match(rcfileText('/s/bin/bash', '/s/bin', { command: null, run: null }), /shopt -s execfail\n$/);
});
