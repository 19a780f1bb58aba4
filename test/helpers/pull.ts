// For the pullImage and prefetch tests: skopeo run exactly as nixpkgs' pullImage runs it
// (the reference archive our bytes must equal), and the test images pushed to a registry.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bytesSource, MediaType, parseReference, pushImage, pushIndex, sha256Digest, type RegistryClient } from '../../src/registry/index.ts';
import { makeTestImage } from './registry.ts';
import { REPO } from './cli.ts';

const run = promisify(execFile);

export interface SkopeoPull {
  /** `host/repository@digest` */
  source: string;
  finalImageName: string;
  finalImageTag: string;
  os?: string;
  arch?: string;
  /** Default false (plain HTTP test registries). */
  tlsVerify?: boolean;
  /** A directory with the CA (`*.crt`) to verify the registry with. */
  certDir?: string;
}

/**
 * nixpkgs' pullImage builder: `skopeo --insecure-policy --tmpdir=$TMPDIR --override-os OS
 * --override-arch ARCH copy --src-tls-verify=BOOL docker://SOURCE docker-archive://$out:NAME:TAG`.
 * Returns the archive's bytes.
 */
export async function skopeoArchive(p: SkopeoPull): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skopeo-pull-'));
  try {
    const out = path.join(dir, 'image.tar');
    const args = ['--insecure-policy', `--tmpdir=${dir}`, '--override-os', p.os ?? 'linux', '--override-arch', p.arch ?? 'amd64', 'copy'];
    args.push(`--src-tls-verify=${p.tlsVerify ?? false}`);
    if (p.certDir) args.push('--src-cert-dir', p.certDir);
    args.push(`docker://${p.source}`, `docker-archive://${out}:${p.finalImageName}:${p.finalImageTag}`);
    await run('skopeo', args, { maxBuffer: 16 << 20 });
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const sha256Of = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

export interface PushedImage {
  repository: string;
  digest: string;
}

/** Two gzip layers (makeTestImage), under `repository:tag`. */
export async function pushSmallImage(client: RegistryClient, repository: string, tag = 'v1', compression: 'gz' | 'none' | 'zstd' = 'gz'): Promise<PushedImage> {
  const image = await makeTestImage({
    layers: [{ 'bin/hello': '#!/bin/sh\necho hello\n' }, { 'etc/motd': 'welcome\n', 'etc/hostname': 'box\n' }],
    compression,
  });
  const r = await pushImage(client, parseReference(`${client.registry}/${repository}:${tag}`), { config: image.config, layers: image.sources() });
  return { repository, digest: r.digest };
}

/**
 * The image behind test/fixtures/pull/odd-*.json: layer 1 gzip bytes typed as a plain tar,
 * layer 2 a plain tar typed as gzip, layer 3 = layer 1 (typed gzip), and a config with
 * indentation, HTML characters, U+2028, an escape, a repeated key, no `container`.
 */
export async function pushOddImage(client: RegistryClient, repository: string, tag = 'v1'): Promise<PushedImage> {
  const files: Record<string, string>[] = [{ 'a.txt': 'A' }, { 'b.txt': 'B' }];
  const gz = await makeTestImage({ layers: files, compression: 'gz' });
  const raw = await makeTestImage({ layers: files, compression: 'none' });
  const layers = [
    bytesSource(gz.layers[0]!.bytes, MediaType.DockerLayer, gz.layers[0]!.digest),
    bytesSource(raw.layers[1]!.bytes, MediaType.DockerLayerGzip, raw.layers[1]!.digest),
    bytesSource(gz.layers[0]!.bytes, MediaType.DockerLayerGzip, gz.layers[0]!.digest),
  ];
  const config = fs.readFileSync(path.join(REPO, 'test/fixtures/pull/odd-config.json'));
  const r = await pushImage(client, parseReference(`${client.registry}/${repository}:${tag}`), { config, layers });
  return { repository, digest: r.digest };
}

export interface PushedIndex {
  repository: string;
  /** The list's digest. */
  digest: string;
  /** Per architecture: the image manifest's digest. */
  images: Record<'amd64' | 'arm64', string>;
}

/** linux/amd64 and linux/arm64/v8 images (a file `arch` saying which) under one list `repository:tag`. */
export async function pushMultiArch(client: RegistryClient, repository: string, tag = 'latest'): Promise<PushedIndex> {
  const images = {} as Record<'amd64' | 'arm64', string>;
  const refs = [];
  for (const arch of ['amd64', 'arm64'] as const) {
    const image = await makeTestImage({
      layers: [{ arch: `${arch}\n` }, { [`only-on-${arch}`]: arch.repeat(100) }],
      architecture: arch,
      ...(arch === 'arm64' ? { variant: 'v8' } : {}),
    });
    const ref = parseReference(`${client.registry}/${repository}:${tag}-${arch}`);
    images[arch] = (await pushImage(client, ref, { config: image.config, layers: image.sources() })).digest;
    refs.push(ref);
  }
  const index = await pushIndex(client, parseReference(`${client.registry}/${repository}:${tag}`), refs);
  return { repository, digest: index.digest, images };
}

/** Digest a string as the registry names content. */
export const digestOf = (b: Uint8Array): string => sha256Digest(b);
