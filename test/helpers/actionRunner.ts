// Runs the committed action bundles the way the runner does: one process per step
// (`dist/main/index.js`, then `dist/post/index.js`) with INPUT_* variables (those given,
// and action.yml's defaults for the others), real
// GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY / GITHUB_ENV / GITHUB_PATH files made
// fresh for each step, RUNNER_TEMP and GITHUB_WORKSPACE directories, and main's saved
// state handed to post as STATE_* variables. Outputs, state, summary and the workflow
// commands on stdout (annotations, masks) are read back for the test.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO } from './cli.ts';
import { asUser, type RunnerUser } from './runnerEnv.ts';

/** What the runner sets for `${{ github.token }}`-style defaults here. */
export const FAKE_GITHUB_TOKEN = 'ghs_0123456789abcdefFAKEtoken';

/** action.yml's input defaults: the runner passes them as INPUT_* for inputs not given. */
function actionDefaults(): Record<string, string> {
  const doc = parseYaml(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  const out: Record<string, string> = {};
  for (const [name, input] of Object.entries(doc.inputs)) {
    if (input.default === undefined) continue;
    out[name] = input.default === '${{ github.token }}' ? FAKE_GITHUB_TOKEN : input.default;
  }
  return out;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface StepResult {
  status: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  /** Values the step masked (::add-mask::). */
  masks: string[];
}

/** `name<<DELIM\nvalue\nDELIM` blocks (and plain `name=value` lines), as the runner reads them. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProp = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

export function parseCommands(stdout: string): { annotations: Annotation[]; masks: string[] } {
  const annotations: Annotation[] = [];
  const masks: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const [, cmd, props, data] = m;
    if (cmd === 'add-mask') masks.push(unescapeData(data!));
    if (cmd === 'error' || cmd === 'warning' || cmd === 'notice') {
      const properties: Record<string, string> = {};
      for (const p of (props ?? '').split(',').filter(Boolean)) properties[p.slice(0, p.indexOf('='))] = unescapeProp(p.slice(p.indexOf('=') + 1));
      annotations.push({ level: cmd, message: unescapeData(data!), properties });
    }
  }
  return { annotations, masks };
}

/** The variables of the test process a step must not inherit. */
const HOST_ONLY = /^(INPUT_|STATE_|GITHUB_|ACTIONS_|RUNNER_)/;

export interface JobOptions {
  /** RUNNER_TEMP (default: a fresh directory). Give the same path to several jobs to model hosted runners. */
  runnerTemp?: string;
  /** Environment for every step (service URLs, DOCKER_CONFIG, PATH, ...). */
  env?: NodeJS.ProcessEnv;
  /**
   * Run the steps as this user (./runnerEnv.ts), with the job's directories under its
   * home as on a hosted runner (`~/work/_temp`, `~/work/<repo>/<repo>`), owned by it.
   */
  user?: RunnerUser;
  /** Where the action is (dist/, action.yml) and the Node that runs it: this checkout's, by default. */
  action?: { dir: string; node: string };
}

/** One job on a fresh runner: its directories and the state its steps pass on. */
export class Job {
  readonly dir: string;
  readonly runnerTemp: string;
  readonly workspace: string;
  private readonly filesDir: string;
  private readonly env: NodeJS.ProcessEnv;
  private savedState: Record<string, string> = {};
  private steps = 0;

  private readonly user: RunnerUser | undefined;
  private readonly action: { dir: string; node: string };

  constructor(opts: JobOptions = {}) {
    this.user = opts.user;
    this.action = opts.action ?? { dir: REPO, node: process.execPath };
    if (this.user) {
      fs.mkdirSync(path.join(this.user.home, 'work'), { recursive: true });
      this.dir = fs.mkdtempSync(path.join(this.user.home, 'work', 'job-'));
      this.runnerTemp = opts.runnerTemp ?? path.join(this.dir, '_temp');
      this.workspace = path.join(this.dir, 'app', 'app');
    } else {
      this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'action-job-'));
      this.runnerTemp = opts.runnerTemp ?? path.join(this.dir, 'temp');
      this.workspace = path.join(this.dir, 'work');
    }
    this.filesDir = path.join(this.dir, 'files');
    for (const d of [this.runnerTemp, this.workspace, this.filesDir]) fs.mkdirSync(d, { recursive: true });
    if (this.user) this.chown(this.dir, this.runnerTemp);
    this.env = opts.env ?? {};
  }

  /** Gives what the test made under these paths to the job's user (no-op without one). */
  chown(...paths: string[]): void {
    const { user } = this;
    if (!user) return;
    const walk = (p: string): void => {
      fs.lchownSync(p, user.uid, user.gid);
      if (fs.lstatSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    };
    for (const p of paths) walk(p);
  }

  /** The main step with these inputs (keys as written under `with:`). */
  main(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<StepResult> {
    return this.step('main', inputs, env);
  }

  /** The post step: the same inputs (the runner passes them again) and main's state. */
  post(inputs: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Promise<StepResult> {
    return this.step('post', inputs, { ...env, ...Object.fromEntries(Object.entries(this.savedState).map(([k, v]) => [`STATE_${k}`, v])) });
  }

  /** Files left in RUNNER_TEMP (what a failed step must not leave). */
  tempFiles(): string[] {
    return fs.readdirSync(this.runnerTemp).sort();
  }

  private async step(entry: 'main' | 'post', inputs: Record<string, string>, extra: NodeJS.ProcessEnv): Promise<StepResult> {
    const n = ++this.steps;
    const file = (name: string) => {
      const f = path.join(this.filesDir, `${name}_${n}`);
      fs.writeFileSync(f, '');
      this.chown(f);
      return f;
    };
    const files = { GITHUB_OUTPUT: file('output'), GITHUB_STATE: file('state'), GITHUB_STEP_SUMMARY: file('summary'), GITHUB_ENV: file('env'), GITHUB_PATH: file('path') };
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !HOST_ONLY.test(k)));
    Object.assign(env, {
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_TEMP: this.runnerTemp,
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_ACTION: `step${n}`,
      GITHUB_REPOSITORY: 'example/nix-docker-action',
      GITHUB_RUN_ID: '1',
      ...files,
      ...(this.user && { HOME: this.user.home, USER: this.user.name, LOGNAME: this.user.name }),
      ...this.env,
      ...extra,
    });
    for (const [k, v] of Object.entries({ ...actionDefaults(), ...inputs })) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
    const r = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve, reject) => {
      const argv = [this.action.node, path.join(this.action.dir, `dist/${entry}/index.js`)];
      const [command, args] = this.user ? asUser(this.user, argv) : [argv[0]!, argv.slice(1)];
      const child = spawn(command, args, { cwd: this.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ status: code ?? 1, stdout, stderr }));
    });
    const state = parseCommandFile(fs.readFileSync(files.GITHUB_STATE, 'utf8'));
    if (entry === 'main') this.savedState = state;
    return {
      ...r,
      outputs: parseCommandFile(fs.readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      state,
      summary: fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      ...parseCommands(r.stdout),
    };
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A runner-shaped JWT for ACTIONS_RUNTIME_TOKEN: `scp` names the run and job (artifacts), `ac` the cache scopes. */
export function runtimeToken(opts: { runId?: string; jobId?: string; scopes?: { scope: string; permission: number }[] } = {}): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const scopes = opts.scopes ?? [{ scope: 'refs/heads/main', permission: 3 }];
  const payload = {
    ac: JSON.stringify(scopes.map((s) => ({ Scope: s.scope, Permission: s.permission }))),
    scp: `Actions.Results:${opts.runId ?? 'run-1'}:${opts.jobId ?? 'job-1'} Actions.GenericRead:00000000-0000-0000-0000-000000000000`,
    nbf: now - 60,
    exp: now + 3600,
    iss: 'vstoken.actions.githubusercontent.com',
  };
  return `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64(payload)}.${randomBytes(32).toString('base64url')}`;
}
