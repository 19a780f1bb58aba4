// `--load`: streams an archive into the Docker engine's /images/load endpoint, the same
// call `docker load` makes, so no docker CLI is needed and nothing touches the disk.

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

export interface DockerEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

/** Reads DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH the way the docker CLI does. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  const hostVar = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (hostVar.startsWith('unix://')) return { socketPath: hostVar.slice('unix://'.length) };
  const m = /^(?:tcp|https?):\/\/([^:/]+)(?::(\d+))?/.exec(hostVar);
  if (!m) throw new Error(`DOCKER_HOST: unsupported value '${hostVar}' (expected unix:// or tcp://)`);
  const ep: DockerEndpoint = { host: m[1], port: Number(m[2] ?? (env.DOCKER_TLS_VERIFY ? 2376 : 2375)) };
  if (env.DOCKER_TLS_VERIFY && env.DOCKER_TLS_VERIFY !== '0') {
    const dir = env.DOCKER_CERT_PATH || path.join(env.HOME ?? '', '.docker');
    const read = (f: string) => fs.readFileSync(path.join(dir, f));
    ep.tls = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
  }
  return ep;
}

function request(ep: DockerEndpoint, method: string, urlPath: string, headers: Record<string, string>): http.ClientRequest {
  const opts: https.RequestOptions = { method, path: urlPath, headers };
  if (ep.socketPath) return http.request({ ...opts, socketPath: ep.socketPath });
  if (ep.tls) return https.request({ ...opts, host: ep.host, port: ep.port, ...ep.tls });
  return http.request({ ...opts, host: ep.host, port: ep.port });
}

/** Streams a docker-archive (plain, gz or zstd) into the engine; returns the images it reports loaded. */
export async function dockerLoad(archive: AsyncIterable<Uint8Array>, ep: DockerEndpoint = dockerEndpoint()): Promise<string[]> {
  const req = request(ep, 'POST', '/images/load', { 'Content-Type': 'application/x-tar' });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  const sent = (async () => {
    // Each chunk is written out before the next is asked for: chunks may be reused buffers.
    for await (const chunk of archive) {
      if (req.destroyed) return;
      await new Promise<void>((resolve, reject) => req.write(chunk, (err) => (err ? reject(err) : resolve())));
    }
    req.end();
  })();
  sent.catch(() => req.destroy()); // an engine that answers early (an error) stops reading; its answer says why
  const res = await response;
  if (res.statusCode === 200) await sent;
  let body = '';
  for await (const chunk of res) body += chunk.toString();
  if (res.statusCode !== 200) throw new Error(`docker load: HTTP ${res.statusCode}: ${body.trim().slice(0, 500)}`);
  const loaded: string[] = [];
  for (const line of body.split('\n')) {
    if (!line.trim()) continue;
    let msg: { stream?: string; error?: string; errorDetail?: { message?: string } };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (msg.error || msg.errorDetail) throw new Error(`docker load: ${msg.errorDetail?.message ?? msg.error}`);
    const m = /Loaded image(?: ID)?: (\S+)/.exec(msg.stream ?? '');
    if (m) loaded.push(m[1]!);
  }
  return loaded;
}

/** dockerLoad, saying each image loaded (inside the caller's log group: the group is not empty). */
export async function dockerLoadLogged(archive: AsyncIterable<Uint8Array>, log: { info(m: string): void }): Promise<string[]> {
  const loaded = await dockerLoad(archive);
  for (const l of loaded) log.info(`Loaded image: ${l}`);
  return loaded;
}

/** `docker tag IMAGE REF` through the engine API: `image` a name or an image id (sha256:...). */
export async function dockerTag(image: string, ref: string, ep: DockerEndpoint = dockerEndpoint()): Promise<void> {
  // The tag follows the last ':' after the last '/' (a registry port is not a tag).
  const colon = ref.lastIndexOf(':');
  const [repo, tag] = colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
  const req = request(ep, 'POST', `/images/${encodeURIComponent(image)}/tag?repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(tag)}`, { 'Content-Length': '0' });
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
  let body = '';
  for await (const chunk of res) body += chunk.toString();
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`docker tag ${ref}: HTTP ${res.statusCode}: ${body.trim().slice(0, 300)}`);
}
