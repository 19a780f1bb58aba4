// A local registry for the push figures: distribution's `docker-registry` on a free
// 127.0.0.1 port, plain HTTP, its storage in a fresh directory (as
// test/helpers/registry.ts starts one for the tests). Only this process's own child is
// ever stopped, by its pid.

import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function serving(port, exited) {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 400 && !gone; i++) {
    const ok = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/v2/' }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(1000, () => req.destroy());
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

/** Starts a registry whose storage is under `dir` (emptied first): { host, port, pid, dir, stop() }. */
export async function startRegistry(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
    http: { secret: 'nix-docker-bench', headers: { 'X-Content-Type-Options': ['nosniff'] } },
  };
  const logFile = join(dir, 'registry.log');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    config.http.addr = `127.0.0.1:${port}`;
    const configFile = join(dir, 'config.yml');
    writeFileSync(configFile, JSON.stringify(config, null, 2)); // JSON is YAML
    const out = openSync(logFile, 'a');
    const child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', out, out] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.once('error', () => {});
    // Never outlive the bench, whatever way it ends.
    const killer = () => child.kill('SIGKILL');
    process.once('exit', killer);
    if (!(await serving(port, exited))) {
      process.off('exit', killer);
      child.kill('SIGKILL');
      if (attempt < 3) continue;
      throw new Error(`docker-registry did not start: ${readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ')}`);
    }
    return {
      host: `127.0.0.1:${port}`,
      port,
      pid: child.pid,
      dir,
      stop: async () => {
        process.off('exit', killer);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          let timer;
          await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
          clearTimeout(timer);
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** The manifest of `repo:tag` (Docker schema 2 or OCI): its layers' total compressed size. */
export async function pushedBytes(host, repo, tag) {
  const body = await new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: host.split(':')[0],
        port: Number(host.split(':')[1]),
        path: `/v2/${repo}/manifests/${tag}`,
        headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`GET manifest ${repo}:${tag}: ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
  });
  const m = JSON.parse(body);
  return { layers: m.layers.length, bytes: m.layers.reduce((s, l) => s + l.size, 0), mediaType: m.layers[0]?.mediaType };
}
