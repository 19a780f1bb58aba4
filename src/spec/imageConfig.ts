// The `config` attribute checked against the image config specification before anything
// is built: the fields of the OCI image spec (config.md) and of Docker's image spec
// (v1.2/v1.3: Healthcheck, OnBuild, Shell, Memory...; container.Config's fields that old
// images still carry). A value of the wrong type would be pushed as it is and fail only
// where the image is read (`docker pull`: "cannot unmarshal number into ... Entrypoint";
// skopeo: fatal), so it is refused here, naming the field. A field the specs do not have
// passes through with a warning, as dockerTools passes it.
//
// null is accepted everywhere: Go's decoder, which Docker and the containers/image tools
// use, reads it as "not set". Store paths in strings are the caller's business.

import { SpecError } from './errors.ts';

type FieldType =
  | 'string'
  | 'bool'
  | 'int'
  | 'duration'
  | 'stringList'
  | 'env'
  | 'ports'
  | 'volumes'
  | 'labels'
  | 'healthcheck'
  | 'healthTest';

/** The config's fields and their types (the `config` object of the image config JSON). */
export const IMAGE_CONFIG_FIELDS: Readonly<Record<string, FieldType>> = {
  // OCI image spec, config.md
  User: 'string',
  ExposedPorts: 'ports',
  Env: 'env',
  Entrypoint: 'stringList',
  Cmd: 'stringList',
  Volumes: 'volumes',
  WorkingDir: 'string',
  Labels: 'labels',
  StopSignal: 'string',
  ArgsEscaped: 'bool',
  // Docker image spec v1.2/v1.3 (reserved by OCI for compatibility)
  Memory: 'int',
  MemorySwap: 'int',
  CpuShares: 'int',
  Healthcheck: 'healthcheck',
  OnBuild: 'stringList',
  Shell: 'stringList',
  // container.Config, which `docker commit` and older builders wrote in full
  Hostname: 'string',
  Domainname: 'string',
  AttachStdin: 'bool',
  AttachStdout: 'bool',
  AttachStderr: 'bool',
  Tty: 'bool',
  OpenStdin: 'bool',
  StdinOnce: 'bool',
  Image: 'string',
  NetworkDisabled: 'bool',
  MacAddress: 'string',
  StopTimeout: 'int',
};

/** Healthcheck's fields (durations are nanoseconds, as Go's time.Duration). */
export const HEALTHCHECK_FIELDS: Readonly<Record<string, FieldType>> = {
  Test: 'healthTest',
  Interval: 'duration',
  Timeout: 'duration',
  StartPeriod: 'duration',
  StartInterval: 'duration',
  Retries: 'int',
};

const EXPECTED: Record<FieldType, string> = {
  string: 'a string',
  bool: 'true or false',
  int: 'an integer',
  duration: 'a duration in nanoseconds (a non-negative integer)',
  stringList: 'a list of strings',
  env: 'a list of "KEY=value" strings',
  ports: 'an object of "port[/tcp|udp|sctp]": {} (e.g. {"8080/tcp": {}})',
  volumes: 'an object of "/absolute/path": {}',
  labels: 'an object of strings (label: value)',
  healthcheck: 'an object (Test, Interval, Timeout, StartPeriod, StartInterval, Retries)',
  healthTest: 'a list of strings: [], ["NONE"], ["CMD", arg...] or ["CMD-SHELL", command]',
};

const PORT = /^(\d{1,5})(\/(tcp|udp|sctp))?$/;
const HEALTH_TEST_KINDS = ['NONE', 'CMD', 'CMD-SHELL'];

/** A value as the user wrote it, short: `5`, `"/bin/hello"`, `[8080]`. */
function shown(v: unknown): string {
  const text = v === undefined ? 'nothing' : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmptyObject = (v: unknown): boolean => isObject(v) && Object.keys(v).length === 0;

/**
 * Checks `config` (an attribute set) against the specification. Throws a SpecError naming
 * the field (`config.Entrypoint: expected a list of strings, got 5`); returns one warning
 * per field the specification does not have.
 */
export function checkImageConfig(config: Record<string, unknown>, attribute = 'config'): string[] {
  return checkFields(config, IMAGE_CONFIG_FIELDS, attribute, attribute, 'the image config');
}

function checkFields(obj: Record<string, unknown>, fields: Readonly<Record<string, FieldType>>, attribute: string, prefix: string, what: string): string[] {
  const warnings: string[] = [];
  const byLowerCase = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
  for (const [key, value] of Object.entries(obj)) {
    const field = `${prefix}.${key}`;
    const type = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (type) {
      warnings.push(...checkField(field, type, value, attribute));
      continue;
    }
    // Go's decoder matches field names without regard to case: Docker reads `cmd` as Cmd
    // (so its type matters), other readers ignore it.
    const known = byLowerCase.get(key.toLowerCase());
    if (known) {
      warnings.push(...checkField(field, fields[known]!, value, attribute));
      warnings.push(`${field}: not a field of ${what}; did you mean '${known}'? (passed through as given: Docker reads it as ${known}, other tools ignore it)`);
    } else warnings.push(`${field}: not a field of ${what} (passed through as given; image readers ignore it)`);
  }
  return warnings;
}

function checkField(field: string, type: FieldType, v: unknown, attribute: string): string[] {
  if (v === null) return [];
  const fail = (detail?: string): never => {
    throw new SpecError(attribute, `${field}: expected ${EXPECTED[type]}, got ${shown(v)}${detail ? ` (${detail})` : ''}`);
  };
  switch (type) {
    case 'string':
      if (typeof v !== 'string') fail();
      return [];
    case 'bool':
      if (typeof v !== 'boolean') fail();
      return [];
    case 'int':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail();
      return [];
    case 'duration':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail();
      return [];
    case 'stringList':
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail();
      return [];
    case 'env': {
      if (!Array.isArray(v)) fail();
      const bad = (v as unknown[]).find((e) => typeof e !== 'string' || !/^[^=]+=/.test(e));
      if (bad !== undefined) fail(`entry ${shown(bad)}`);
      return [];
    }
    case 'healthTest': {
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail();
      const [kind] = v as string[];
      if (kind !== undefined && !HEALTH_TEST_KINDS.includes(kind)) fail(`the first item says how to run the test`);
      return [];
    }
    case 'ports': {
      if (!isObject(v)) fail();
      for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
        const m = PORT.exec(key);
        if (!m || Number(m[1]) > 65535) fail(`key ${shown(key)}`);
        if (!isEmptyObject(value)) fail(`${shown(key)} maps to ${shown(value)}`);
      }
      return [];
    }
    case 'volumes': {
      if (!isObject(v)) fail();
      for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
        if (!key.startsWith('/')) fail(`key ${shown(key)}`);
        if (!isEmptyObject(value)) fail(`${shown(key)} maps to ${shown(value)}`);
      }
      return [];
    }
    case 'labels': {
      if (!isObject(v)) fail();
      const bad = Object.entries(v as Record<string, unknown>).find(([, value]) => typeof value !== 'string');
      if (bad) fail(`${shown(bad[0])} maps to ${shown(bad[1])}`);
      return [];
    }
    case 'healthcheck':
      if (!isObject(v)) fail();
      return checkFields(v as Record<string, unknown>, HEALTHCHECK_FIELDS, attribute, field, 'Healthcheck');
  }
}
