// --sbom / --provenance on real components: the documents list exactly what
// `nix path-info --json -r` says the image holds, validate with the SPDX 2.3 schema and
// the CycloneDX library, come out byte-identical from two builds; pushed, they sit
// where Debian 13's `docker buildx imagetools inspect` finds them, Docker still pulls
// and runs the image, and Debian 13's cosign signs and verifies it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Validation, Spec } from '@cyclonedx/cyclonedx-library';
import { Ajv } from 'ajv';
import { findBusybox, FIXTURES_NIX, nixFixtures, useOfflineNix, type NixFixtures } from './helpers/nixFixtures.ts';
import { nixDocker, nixDockerOk } from './helpers/cli.ts';
import { docker, dockerRun, removeImage } from './helpers/docker.ts';
import { startRegistry, skopeoRaw, type TestRegistry } from './helpers/registry.ts';
import { debian13Tools } from './helpers/runnerEnv.ts';

const exec = promisify(execFile);
useOfflineNix();
let fx: NixFixtures;
let registry: TestRegistry;
let tmp: string;
let debian13: string;
before(async () => {
  [fx, registry, debian13] = await Promise.all([nixFixtures(), startRegistry({ mode: 'http' }), debian13Tools()]);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sbom-test-'));
});
after(async () => {
  await registry?.stop();
});

const RUN_ENV = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo/app',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_WORKFLOW_REF: 'octo/app/.github/workflows/image.yml@refs/heads/main',
};
const FLAKE_LOCK = {
  nodes: {
    nixpkgs: { locked: { lastModified: 1, narHash: 'sha256-BemIDtK85USHv9mswArAPltAvp5mwXO3erWFrfH6z2M=', owner: 'NixOS', repo: 'nixpkgs', rev: 'fedcba9876543210fedcba9876543210fedcba98', type: 'github' } },
    root: { inputs: { nixpkgs: 'nixpkgs' } },
  },
  root: 'root',
  version: 7,
};

/** A working directory with a flake.lock, as a checkout of a flake is. */
function workspace(name: string): string {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  fs.writeFileSync(path.join(dir, 'flake.lock'), JSON.stringify(FLAKE_LOCK));
  return dir;
}

/** `nix path-info --json -r`, whatever its shape: path → {narHash hex, references}. */
async function nixClosure(root: string): Promise<Map<string, { narHash: string; references: string[] }>> {
  const { stdout } = await exec('nix', ['--extra-experimental-features', 'nix-command', 'path-info', '--json', '-r', root]);
  const parsed = JSON.parse(stdout);
  const entries: [string, any][] = Array.isArray(parsed) ? parsed.map((i: any) => [i.path, i]) : Object.entries(parsed);
  const out = new Map<string, { narHash: string; references: string[] }>();
  for (const [p, info] of entries) {
    const sri = /^sha256-(.+)$/.exec(info.narHash);
    const narHash = sri
      ? Buffer.from(sri[1]!, 'base64').toString('hex')
      : (await exec('nix-hash', ['--type', 'sha256', '--to-base16', info.narHash.replace(/^sha256:/, '')])).stdout.trim();
    out.set(p, { narHash, references: info.references.filter((r: string) => r !== p).sort() });
  }
  return out;
}

const spdxSchema = JSON.parse(fs.readFileSync(new URL('./fixtures/sbom/spdx-2.3.schema.json', import.meta.url), 'utf8'));
const validateSpdx: ((doc: unknown) => boolean) & { errors?: unknown } = new Ajv({ strict: false, allErrors: true }).compile(spdxSchema);

test('--sbom --provenance max: SPDX and CycloneDX list exactly the closure, validate, and two builds give the same bytes', async () => {
  const args = ['buildLayeredImage', '--name', 'hello', '--contents', fx.hello, '--config', JSON.stringify({ Cmd: ['/bin/hello'] }), '--sbom', '--provenance', 'max', '--no-cache', '--json'];
  const cwd = workspace('build');
  for (const d of ['one', 'two']) fs.mkdirSync(path.join(cwd, d));
  const one = (await nixDockerOk([...args, '--out', path.join(cwd, 'one', 'hello.tar.gz')], { cwd, env: RUN_ENV })).json();
  const two = (await nixDockerOk([...args, '--out', path.join(cwd, 'two', 'hello.tar.gz')], { cwd, env: RUN_ENV })).json();
  assert.equal(one.sbom.spdx, path.join(cwd, 'one', 'hello.spdx.json'));
  for (const kind of ['spdx', 'cyclonedx', 'provenance']) {
    assert.ok(fs.existsSync(one.sbom[kind]), kind);
    assert.deepEqual(fs.readFileSync(one.sbom[kind]), fs.readFileSync(two.sbom[kind]), `${kind} differs between two builds`);
    assert.equal(one.sbom.digests[kind], two.sbom.digests[kind]);
  }

  const closure = await nixClosure(fx.hello);
  const layerOf = new Map<string, any>();
  one.layers.forEach((l: any, i: number) => l.paths.forEach((p: string) => layerOf.set(p, { index: i, diffId: l.diffId })));

  const spdx: any = JSON.parse(fs.readFileSync(one.sbom.spdx, 'utf8'));
  assert.ok(validateSpdx(spdx), JSON.stringify(validateSpdx.errors));
  assert.equal(spdx.spdxVersion, 'SPDX-2.3');
  assert.match(spdx.creationInfo.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const pkgs = spdx.packages.filter((p: any) => p.SPDXID !== 'SPDXRef-Image');
  assert.deepEqual(pkgs.map((p: any) => p.packageFileName).sort(), [...closure.keys()].sort());
  const idOf = new Map<string, string>(pkgs.map((p: any) => [p.SPDXID, p.packageFileName]));
  for (const p of pkgs) {
    assert.deepEqual(p.checksums, [{ algorithm: 'SHA256', checksumValue: closure.get(p.packageFileName)!.narHash }]);
    assert.ok(p.comment.includes(`in image layer ${layerOf.get(p.packageFileName).index} (${layerOf.get(p.packageFileName).diffId})`), p.comment);
  }
  assert.equal(pkgs.find((p: any) => p.packageFileName === fx.hello).name, 'hello');
  assert.equal(pkgs.find((p: any) => p.packageFileName === fx.hello).versionInfo, '2.12');
  const rel = (type: string) => spdx.relationships.filter((r: any) => r.relationshipType === type);
  assert.deepEqual(rel('CONTAINS').map((r: any) => idOf.get(r.relatedSpdxElement)).sort(), [...closure.keys()].sort());
  const edges = rel('DEPENDS_ON').map((r: any) => `${idOf.get(r.spdxElementId)} -> ${idOf.get(r.relatedSpdxElement)}`).sort();
  const nixEdges = [...closure].flatMap(([p, i]) => i.references.map((r) => `${p} -> ${r}`)).sort();
  assert.deepEqual(edges, nixEdges);
  assert.ok(nixEdges.length >= 2);

  const cdxText = fs.readFileSync(one.sbom.cyclonedx, 'utf8');
  assert.equal(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(cdxText), null);
  const cdx = JSON.parse(cdxText);
  assert.deepEqual(cdx.components.map((c: any) => c['bom-ref']).sort(), [...closure.keys()].sort());
  for (const c of cdx.components) assert.deepEqual(c.hashes, [{ alg: 'SHA-256', content: closure.get(c['bom-ref'])!.narHash }]);
  for (const d of cdx.dependencies.filter((d: any) => closure.has(d.ref))) assert.deepEqual(d.dependsOn, closure.get(d.ref)!.references);
  assert.deepEqual(cdx.dependencies.find((d: any) => d.ref === cdx.metadata.component['bom-ref']).dependsOn, [fx.hello]);
  assert.equal(cdx.metadata.component.version, one.imageTag);

  // Provenance of an image not pushed: its subject is the image config (the image id).
  const prov = JSON.parse(fs.readFileSync(one.sbom.provenance, 'utf8'));
  assert.equal(prov._type, 'https://in-toto.io/Statement/v1');
  assert.equal(prov.predicateType, 'https://slsa.dev/provenance/v1');
  assert.equal(`sha256:${prov.subject[0].digest.sha256}`, one.configDigest);
  const def = prov.predicate.buildDefinition;
  assert.deepEqual(def.externalParameters.attributes.contents, [fx.hello]);
  assert.equal(def.externalParameters.function, 'buildLayeredImage');
  const deps = def.resolvedDependencies;
  assert.deepEqual(deps[0], { uri: `git+https://github.com/octo/app@refs/heads/main`, digest: { gitCommit: RUN_ENV.GITHUB_SHA } });
  assert.deepEqual(deps[1].digest.gitCommit, FLAKE_LOCK.nodes.nixpkgs.locked.rev);
  assert.equal(deps[1].name, 'nixpkgs');
  const stored = deps.filter((d: any) => d.uri.startsWith(fx.storeDir));
  assert.deepEqual(new Map(stored.map((d: any) => [d.uri, d.digest.sha256])), new Map([...closure].map(([p, i]) => [p, i.narHash])));
  assert.equal(prov.predicate.runDetails.builder.id, `https://github.com/${RUN_ENV.GITHUB_WORKFLOW_REF}`);
  assert.equal(prov.predicate.runDetails.metadata.invocationId, 'https://github.com/octo/app/actions/runs/42/attempts/2');
});

test('pushed with attestations: buildx imagetools shows our SBOM and provenance, Docker runs the image, cosign signs and verifies it', async () => {
  const cwd = workspace('push');
  const args = (ref: string) => ['buildLayeredImage', '--name', 'hello', '--tag', 'v1', '--contents', fx.hello, '--config', JSON.stringify({ Cmd: ['/bin/hello'] }), '--sbom', '--provenance', 'max', '--push', ref, '--tls-verify', 'false', '--no-cache', '--json'];
  const ref = `${registry.host}/attest/hello:v1`;
  const report = (await nixDockerOk(args(ref), { cwd, env: RUN_ENV })).json();
  const pushed = report.pushed[0];
  assert.match(pushed.imageDigest, /^sha256:/);
  assert.notEqual(pushed.digest, pushed.imageDigest);

  // The tag names an index of the image and its attestation manifest, as BuildKit writes it.
  const index = JSON.parse((await skopeoRaw(ref)).toString());
  assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.equal(index.manifests.length, 2);
  assert.equal(index.manifests[0].digest, pushed.imageDigest);
  assert.deepEqual(index.manifests[1].platform, { architecture: 'unknown', os: 'unknown' });
  assert.deepEqual(index.manifests[1].annotations, { 'vnd.docker.reference.digest': pushed.imageDigest, 'vnd.docker.reference.type': 'attestation-manifest' });

  const inspect = async (what: string) => JSON.parse((await exec(debian13, ['docker', 'buildx', 'imagetools', 'inspect', '--format', `{{json .${what}}}`, ref], { cwd })).stdout);
  const sbom = await inspect('SBOM');
  assert.deepEqual(sbom.SPDX, JSON.parse(fs.readFileSync(report.sbom.spdx, 'utf8')));
  assert.deepEqual(sbom.SPDX.packages.map((p: any) => p.packageFileName).filter(Boolean).sort(), [...(await nixClosure(fx.hello)).keys()].sort());
  const provenance = await inspect('Provenance');
  assert.equal(provenance.SLSA.buildDefinition.externalParameters.function, 'buildLayeredImage');
  assert.equal(provenance.SLSA.runDetails.builder.id, `https://github.com/${RUN_ENV.GITHUB_WORKFLOW_REF}`);
  // The provenance file is the attached statement: its subject is the image manifest.
  assert.equal(`sha256:${JSON.parse(fs.readFileSync(report.sbom.provenance, 'utf8')).subject[0].digest.sha256}`, pushed.imageDigest);

  await docker('pull', ref);
  assert.match(await dockerRun(ref, '/bin/hello'), /Hello, world!/);
  await removeImage(ref);

  // The same build again, pushed elsewhere: the same image, the same attestations.
  const again = (await nixDockerOk(args(`${registry.host}/attest/again:v1`), { cwd, env: RUN_ENV })).json().pushed[0];
  assert.equal(again.imageDigest, pushed.imageDigest);
  assert.equal(again.attestationDigest, pushed.attestationDigest);
  assert.equal(again.digest, pushed.digest);

  // cosign 2.x (key-based; no transparency log here) signs what we pushed and verifies it.
  const env = { ...process.env, COSIGN_PASSWORD: 'test-pass' };
  const at = `${registry.host}/attest/hello@${pushed.digest}`;
  const insecure = ['--allow-http-registry', '--allow-insecure-registry'];
  await exec(debian13, ['cosign', 'generate-key-pair'], { cwd, env });
  await exec(debian13, ['cosign', 'sign', '--key', 'cosign.key', '--tlog-upload=false', ...insecure, '-y', at], { cwd, env });
  const verified = await exec(debian13, ['cosign', 'verify', '--key', 'cosign.pub', '--insecure-ignore-tlog', ...insecure, at], { cwd, env });
  assert.equal(JSON.parse(verified.stdout)[0].critical.image['docker-manifest-digest'], pushed.digest);
  // A key that did not sign it does not verify.
  const other = path.join(cwd, 'other');
  fs.mkdirSync(other);
  await exec(debian13, ['cosign', 'generate-key-pair'], { cwd: other, env });
  await assert.rejects(exec(debian13, ['cosign', 'verify', '--key', 'cosign.pub', '--insecure-ignore-tlog', ...insecure, at], { cwd: other, env }));
});

test('without --sbom and --provenance a push is as before (no index, Docker schema 2); a bad --provenance is refused by name', async () => {
  const base = ['buildLayeredImage', '--name', 'plain', '--tag', 'v1', '--contents', fx.hello, '--tls-verify', 'false', '--no-cache', '--json'];
  const off = (await nixDockerOk([...base, '--push', `${registry.host}/plain/a:v1`])).json().pushed[0];
  const explicit = (await nixDockerOk([...base, '--sbom', 'false', '--provenance', 'false', '--push', `${registry.host}/plain/b:v1`])).json();
  assert.equal(explicit.pushed[0].digest, off.digest);
  assert.equal(explicit.sbom, undefined);
  assert.equal(off.imageDigest, undefined);
  const raw = JSON.parse((await skopeoRaw(`${registry.host}/plain/a:v1`)).toString());
  assert.equal(raw.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');

  const bad = await nixDocker([...base, '--provenance', 'maybe', '--out', path.join(tmp, 'x.tar.gz')]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--provenance takes false, min or max, not 'maybe'/);
  // Where there is no closure built here, the flags are refused, not ignored.
  const merge = await nixDocker(['mergeImages', '--images', path.join(tmp, 'none.tar.gz'), '--sbom']);
  assert.equal(merge.status, 2);
  assert.match(merge.stderr, /--sbom: only for images built here from a Nix closure, not mergeImages/);
});

test('buildImage --sbom: the store paths its one layer holds (copyToRoot is copied, its references are in the store)', async () => {
  const cwd = workspace('bi');
  const r = (await nixDockerOk(['buildImage', '--name', 'bi', '--tag', '1', '--copyToRoot', fx.hello, '--sbom', '--out', path.join(cwd, 'bi.tar.gz'), '--no-cache', '--json'], { cwd })).json();
  const spdx: any = JSON.parse(fs.readFileSync(r.sbom.spdx, 'utf8'));
  assert.ok(validateSpdx(spdx), JSON.stringify(validateSpdx.errors));
  const closure = await nixClosure(fx.hello);
  closure.delete(fx.hello);
  assert.deepEqual(spdx.packages.map((p: any) => p.packageFileName).filter(Boolean).sort(), [...closure.keys()].sort());
  assert.deepEqual(r.layers.at(-1).paths.slice().sort(), [...closure.keys()].sort());
});

test('--attestations referrers: the tag stays on the image; oras discover lists the SBOM and provenance (referrers tag schema), once after two pushes', async () => {
  const cwd = workspace('referrers');
  const ref = `${registry.host}/referrers/hello:v1`;
  const args = ['buildLayeredImage', '--name', 'hello', '--tag', 'v1', '--contents', fx.hello, '--sbom', '--provenance', 'min', '--attestations', 'referrers', '--push', ref, '--tls-verify', 'false', '--no-cache', '--json'];
  const first = (await nixDockerOk(args, { cwd })).json().pushed[0];
  const second = (await nixDockerOk(args, { cwd })).json().pushed[0];
  assert.deepEqual(second.referrers, first.referrers);
  const raw = await skopeoRaw(ref);
  assert.equal(JSON.parse(raw.toString()).mediaType, 'application/vnd.docker.distribution.manifest.v2+json', 'the tag names the image itself');
  const found = JSON.parse((await exec(debian13, ['oras', 'discover', '--plain-http', '--format', 'json', ref], { cwd })).stdout);
  const manifests = found.manifests ?? found.referrers;
  assert.deepEqual(manifests.map((m: any) => m.digest).sort(), [...first.referrers].sort());
  assert.deepEqual(manifests.map((m: any) => m.annotations['in-toto.io/predicate-type']).sort(), ['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document']);
  // Each referrer is an artifact manifest whose subject is the image and whose layer is our statement.
  const spdxRef = manifests.find((m: any) => m.annotations['in-toto.io/predicate-type'] === 'https://spdx.dev/Document');
  const artifact = JSON.parse((await skopeoRaw(`${registry.host}/referrers/hello@${spdxRef.digest}`)).toString());
  assert.equal(artifact.subject.digest, first.digest);
  const statement = JSON.parse((await exec(debian13, ['oras', 'blob', 'fetch', '--plain-http', '--output', '-', `${registry.host}/referrers/hello@${artifact.layers[0].digest}`], { cwd })).stdout);
  assert.equal(statement.subject[0].digest.sha256, first.digest.slice('sha256:'.length));
  assert.equal(statement.predicate.spdxVersion, 'SPDX-2.3');
});

test('meta of contents named as a Nix file: license, homepage, description in both SBOMs; a meta that does not evaluate is left out, not fatal', async () => {
  const cwd = workspace('meta');
  fs.writeFileSync(
    path.join(cwd, 'image.nix'),
    `let f = import ${FIXTURES_NIX} { busyboxBin = "${findBusybox()}"; };
in {
  hello = f.hello // { meta = { license = [ { spdxId = "MIT"; shortName = "mit"; } { spdxId = "Apache-2.0"; } ]; homepage = [ "https://example.org/hello" ]; description = "Says hello"; }; };
  broken = f.hello // { meta = throw "no meta here"; };
}`,
  );
  const build = async (attr: string) => {
    const r = (await nixDockerOk(['buildLayeredImage', '--name', attr, '--tag', '1', '--contents', `./image.nix#${attr}`, '--sbom', '--out', path.join(cwd, `${attr}.tar.gz`), '--no-cache', '--json'], { cwd })).json();
    return { spdx: JSON.parse(fs.readFileSync(r.sbom.spdx, 'utf8')), cdx: JSON.parse(fs.readFileSync(r.sbom.cyclonedx, 'utf8')), cdxText: fs.readFileSync(r.sbom.cyclonedx, 'utf8') };
  };
  const withMeta = await build('hello');
  assert.ok(validateSpdx(withMeta.spdx), JSON.stringify(validateSpdx.errors));
  assert.equal(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(withMeta.cdxText), null);
  const pkg = withMeta.spdx.packages.find((p: any) => p.packageFileName === fx.hello);
  assert.equal(pkg.licenseDeclared, 'MIT AND Apache-2.0');
  assert.equal(pkg.homepage, 'https://example.org/hello');
  assert.equal(pkg.description, 'Says hello');
  const comp = withMeta.cdx.components.find((c: any) => c['bom-ref'] === fx.hello);
  assert.deepEqual(comp.licenses, [{ expression: 'MIT AND Apache-2.0' }]);
  assert.deepEqual(comp.externalReferences, [{ type: 'website', url: 'https://example.org/hello' }]);
  // Dependencies named by no Nix file keep NOASSERTION.
  assert.ok(withMeta.spdx.packages.filter((p: any) => p.packageFileName && p.packageFileName !== fx.hello).every((p: any) => p.licenseDeclared === 'NOASSERTION'));

  const broken = await build('broken');
  assert.equal(broken.spdx.packages.find((p: any) => p.packageFileName === fx.hello).licenseDeclared, 'NOASSERTION');
});
