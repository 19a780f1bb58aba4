// The real components of the registry tests: distribution's registry (docker-registry)
// on a free 127.0.0.1 port with its own temporary storage, in one of four modes (plain
// HTTP, TLS with a test CA, htpasswd Basic, Bearer tokens from ./tokenIssuer.ts); a
// fault-injecting proxy to put between a client and a registry; small images made in
// memory; skopeo to look at what we pushed. Everything started returns a stop function.

import { execFile, spawn } from 'node:child_process';
import { openSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { sha256Digest } from '../../src/registry/digest.ts';
import type { BlobSource } from '../../src/registry/blobs.ts';
import { MediaType } from '../../src/registry/manifest.ts';
import { startTokenIssuer, type TokenIssuer, type TokenIssuerOptions } from './tokenIssuer.ts';

const run = promisify(execFile);

export type RegistryMode = 'http' | 'tls' | 'basic' | 'token';

export const TEST_USER = { username: 'alice', password: 's3cret-Pa55' };
/** Token mode: an OAuth2 refresh token the issuer accepts for TEST_USER (docker's identitytoken). */
export const TEST_IDENTITY_TOKEN = 'test-refresh-token-0123';

export interface TestRegistry {
  mode: RegistryMode;
  /** `127.0.0.1:PORT`, the registry part of references. */
  host: string;
  port: number;
  dir: string;
  /** TLS mode: the CA that signed the server certificate (PEM). */
  ca?: string;
  issuer?: TokenIssuer;
  log(): Promise<string>;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  mode?: RegistryMode;
  /** Token mode: see TokenIssuerOptions. */
  token?: Pick<TokenIssuerOptions, 'lifetimeSeconds' | 'advertisedSeconds'>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A CA and a server certificate for 127.0.0.1 (and `dnsNames`) signed by it, as PEM files in `dir`. */
export async function makeTestCa(dir: string, name = 'test', dnsNames: string[] = []): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const f = (n: string): string => path.join(dir, `${name}-${n}`);
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', `/CN=${name} CA`]);
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
  await writeFile(f('ext.cnf'), `subjectAltName=${['IP:127.0.0.1', ...['localhost', ...dnsNames].map((n) => `DNS:${n}`)].join(',')}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  await run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.crt'), '-days', '2', '-extfile', f('ext.cnf')]);
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const mode = opts.mode ?? 'http';
  const dir = await mkdtemp(path.join(os.tmpdir(), `nix-docker-registry-${mode}-`));
  const http_: Record<string, unknown> = { secret: 'test-secret', headers: { 'X-Content-Type-Options': ['nosniff'] } };
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: path.join(dir, 'data') }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
    http: http_,
  };
  let ca: string | undefined;
  let issuer: TokenIssuer | undefined;
  if (mode === 'tls') {
    const files = await makeTestCa(dir);
    http_.tls = { certificate: files.certFile, key: files.keyFile };
    ca = await readFile(files.caFile, 'utf8');
  } else if (mode === 'basic') {
    const { stdout } = await run('htpasswd', ['-Bbn', TEST_USER.username, TEST_USER.password]);
    await writeFile(path.join(dir, 'htpasswd'), stdout);
    config.auth = { htpasswd: { realm: 'test-registry', path: path.join(dir, 'htpasswd') } };
  } else if (mode === 'token') {
    issuer = await startTokenIssuer({
      dir,
      users: { [TEST_USER.username]: TEST_USER.password },
      refreshTokens: { [TEST_IDENTITY_TOKEN]: TEST_USER.username },
      pullOnly: ['readonly/'],
      ...opts.token,
    });
    config.auth = { token: { realm: issuer.realm, service: issuer.service, issuer: issuer.issuer, rootcertbundle: issuer.certFile } };
  }

  const logFile = path.join(dir, 'registry.log');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    http_.addr = `127.0.0.1:${port}`;
    const configFile = path.join(dir, 'config.yml');
    await writeFile(configFile, JSON.stringify(config, null, 2)); // JSON is YAML
    const out = openSync(logFile, 'a');
    const child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', out, out] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Never keep a test process alive, and never outlive it (even when a filtered run
    // skips the `after` hook that would stop us).
    child.unref();
    const killer = (): void => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', killer);
    const up = await waitUntilServing(port, mode === 'tls', exited);
    if (!up) {
      process.off('exit', killer);
      child.kill('SIGKILL');
      if (attempt < 3) continue;
      throw new Error(`docker-registry did not start: ${await readFile(logFile, 'utf8')}`);
    }
    return {
      mode,
      host: `127.0.0.1:${port}`,
      port,
      dir,
      ...(ca === undefined ? {} : { ca }),
      ...(issuer === undefined ? {} : { issuer }),
      log: () => readFile(logFile, 'utf8'),
      stop: async () => {
        process.off('exit', killer);
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await issuer?.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}

async function waitUntilServing(port: number, tls: boolean, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 200 && !gone; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = (tls ? https : http).get({ host: '127.0.0.1', port, path: '/v2/', rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(1000, () => req.destroy());
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Fault-injecting proxy

export type Fault =
  /** Drop the connection before anything reaches the registry. */
  | { kind: 'reset' }
  /** Let the registry do the work, then drop the connection instead of answering. */
  | { kind: 'reset-after' }
  /** Forward this many bytes of the request body, then drop both connections. */
  | { kind: 'reset-mid-body'; afterBytes: number }
  /** Answer this instead of forwarding (the request body is read and dropped). */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string };

export interface ProxiedRequest {
  index: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Request body bytes the proxy saw. */
  bodyBytes: number;
  fault?: Fault['kind'];
  status?: number;
}

export interface FaultProxy {
  host: string;
  requests: ProxiedRequest[];
  stop(): Promise<void>;
}

/** An HTTP proxy in front of `upstreamPort` on 127.0.0.1 that injects the faults `decide` returns. */
export async function startFaultProxy(upstreamPort: number, decide: (req: ProxiedRequest) => Fault | undefined = () => undefined): Promise<FaultProxy> {
  const requests: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    const info: ProxiedRequest = { index: requests.length, method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, bodyBytes: 0 };
    requests.push(info);
    const fault = decide(info);
    if (fault) info.fault = fault.kind;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      req.on('data', (d: Buffer) => (info.bodyBytes += d.length));
      req.on('end', () => {
        info.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] }));
      });
      return;
    }
    const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent: false }, (upRes) => {
      info.status = upRes.statusCode;
      if (fault?.kind === 'reset-after') {
        upRes.resume();
        upRes.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => req.socket.destroy());
    let cut = false;
    req.on('data', (d: Buffer) => {
      if (cut) return;
      if (fault?.kind === 'reset-mid-body' && info.bodyBytes + d.length >= fault.afterBytes) {
        cut = true;
        up.write(d.subarray(0, fault.afterBytes - info.bodyBytes));
        info.bodyBytes = fault.afterBytes;
        setTimeout(() => {
          up.destroy();
          req.socket.destroy();
        }, 20);
        req.pause();
        return;
      }
      info.bodyBytes += d.length;
      up.write(d);
    });
    req.on('end', () => {
      if (!cut) up.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref(); // stopped by its owner; never what keeps a test process alive
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------
// Images made in memory

export type TestCompression = 'none' | 'gz' | 'zstd';

export interface TestLayer {
  bytes: Buffer;
  digest: string;
  diffId: string;
  mediaType: string;
}

export interface TestImage {
  config: Buffer;
  layers: TestLayer[];
  /** Blob sources as the engine would hand them over: streams, digest and size known. */
  sources(opts?: { unknownDigest?: boolean; delayMs?: number }): BlobSource[];
}

async function makeTar(files: Record<string, string | Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
    pack.entry({ name, size: body.length, mode: 0o644, mtime: new Date(1000), uid: 0, gid: 0 }, body);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function compress(raw: Buffer, kind: TestCompression): Buffer {
  if (kind === 'gz') return zlib.gzipSync(raw, { level: 6 });
  if (kind === 'zstd') return zlib.zstdCompressSync(raw);
  return raw;
}

const LAYER_TYPES = { none: MediaType.DockerLayer, gz: MediaType.DockerLayerGzip, zstd: MediaType.OciLayerZstd } as const;

/** A small image: one layer per entry of `layers` (file name → content). */
export async function makeTestImage(opts: {
  layers: Record<string, string | Buffer>[];
  compression?: TestCompression;
  architecture?: string;
  variant?: string;
}): Promise<TestImage> {
  const kind = opts.compression ?? 'gz';
  const layers: TestLayer[] = [];
  for (const files of opts.layers) {
    const raw = await makeTar(files);
    const bytes = compress(raw, kind);
    layers.push({ bytes, digest: sha256Digest(bytes), diffId: sha256Digest(raw), mediaType: LAYER_TYPES[kind] });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: opts.architecture ?? 'amd64',
      ...(opts.variant ? { variant: opts.variant } : {}),
      config: { Cmd: ['/bin/hello'], Env: ['PATH=/bin'] },
      created: '1970-01-01T00:00:01Z',
      history: layers.map(() => ({ created: '1970-01-01T00:00:01Z', created_by: 'nix-docker test' })),
      os: 'linux',
      rootfs: { diff_ids: layers.map((l) => l.diffId), type: 'layers' },
    }),
  );
  return {
    config,
    layers,
    sources: ({ unknownDigest = false, delayMs = 0 } = {}) =>
      layers.map((l) => ({
        mediaType: l.mediaType,
        ...(unknownDigest ? {} : { digest: l.digest, size: l.bytes.length }),
        async *open() {
          // Streamed in pieces, as the tar writer and compressor hand them over.
          for (let at = 0; at < l.bytes.length; at += 64 * 1024) {
            if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
            yield l.bytes.subarray(at, at + 64 * 1024);
          }
        },
      })),
  };
}

/** Incompressible bytes of a given size, the same for the same seed. */
export function noise(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, Math.min(i, size - 4));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// skopeo

export interface SkopeoOptions {
  creds?: { username: string; password: string };
  /** A CA directory (`*.crt`) to verify TLS with; without it TLS is not verified. */
  certDir?: string;
  /** Pick this architecture from an index. */
  overrideArch?: string;
}

function skopeoArgs(opts: SkopeoOptions): string[] {
  const args = opts.certDir ? ['--cert-dir', opts.certDir] : ['--tls-verify=false'];
  if (opts.creds) args.push('--creds', `${opts.creds.username}:${opts.creds.password}`);
  return args;
}

/** `skopeo inspect` of `docker://ref`: the parsed JSON (Digest, Layers, LayersData, …). */
export async function skopeoInspect(ref: string, opts: SkopeoOptions = {}): Promise<Record<string, any>> {
  const global = opts.overrideArch ? ['--override-arch', opts.overrideArch] : [];
  const { stdout } = await run('skopeo', [...global, 'inspect', ...skopeoArgs(opts), `docker://${ref}`], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout);
}

/** `skopeo inspect --raw`: the manifest bytes exactly as the registry serves them. */
export async function skopeoRaw(ref: string, opts: SkopeoOptions = {}): Promise<Buffer> {
  const { stdout } = await run('skopeo', ['inspect', '--raw', ...skopeoArgs(opts), `docker://${ref}`], { maxBuffer: 16 << 20, encoding: 'buffer' });
  return stdout;
}
