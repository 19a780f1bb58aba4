// Image references as docker reads them: `[host[:port]/]path[:tag][@digest]`, where the
// first component is a registry host only if it contains '.' or ':', is `localhost`, or
// has an upper-case letter; otherwise the image lives on Docker Hub (`docker.io`), and a
// single-component Hub name gets `library/`. Grammar from distribution's `reference`
// package (domain, path components, tag ≤ 128 chars, algorithm:hex digests).

export interface Reference {
  /** Registry host as written (`docker.io` for Docker Hub), with its port if any. */
  registry: string;
  /** Repository path inside the registry, e.g. `library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export class InvalidReferenceError extends Error {
  override name = 'InvalidReferenceError';
  readonly reference: string;
  constructor(reference: string, reason: string) {
    super(`invalid image reference "${reference}": ${reason}`);
    this.reference = reference;
  }
}

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME = 255;

export function parseReference(input: string): Reference {
  const fail = (reason: string): never => {
    throw new InvalidReferenceError(input, reason);
  };
  if (input === '') fail('empty');
  if (/^[a-f0-9]{64}$/.test(input)) fail('a 64-character hex string is an image ID, not a repository name');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) fail(`"${digest}" is not a digest (algorithm:hex)`);
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) fail('a sha256 digest has 64 lower-case hex digits');
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) fail(`tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }

  let registry = DOCKER_HUB;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      repository = rest.slice(slash + 1);
      if (!DOMAIN_RE.test(registry)) fail(`"${registry}" is not a registry host[:port]`);
    }
  }
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;

  if (repository === '') fail('no repository name');
  if (repository !== repository.toLowerCase()) fail('repository name must be lowercase');
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT_RE.test(component)) {
      fail(`"${component}" is not a valid path component (lower-case letters and digits, separated by '.', '_', '__' or '-')`);
    }
  }
  if (registry.length + 1 + repository.length > MAX_NAME) fail(`name longer than ${MAX_NAME} characters`);
  return { registry, repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** `registry/repository[:tag][@digest]`, fully qualified. */
export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The tag or digest to address a manifest by: the digest when both are given. */
export function manifestReference(ref: Reference, defaultTag = 'latest'): string {
  return ref.digest ?? ref.tag ?? defaultTag;
}

/** The host the HTTP API is served from (Docker Hub's differs from its name). */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}
