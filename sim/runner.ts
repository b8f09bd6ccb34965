// The GitHub runner, simulated: runs dist/index.js as the runner does, with INPUT_* variables
// holding the action.yml defaults, the GITHUB_* command files, and a clean environment.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { actionNode } from './action-node.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distEntry = path.join(repoRoot, 'dist', 'index.js');
const GIT_STAND_IN_DIR = path.join(repoRoot, 'sim', 'git');

/** What the runner gives every step of a job whose workflow grants `id-token: write`: the job's
 * runtime token, and the OIDC request credentials @actions/core `getIDToken` reads
 * (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN). No child process of the action may see them. */
export const RUNNER_TOKENS = ['sim-runtime-token-5b1e', 'sim-oidc-request-token-9c4d'] as const;
const RUNNER_CREDENTIALS: Readonly<Record<string, string>> = {
  ACTIONS_RUNTIME_TOKEN: RUNNER_TOKENS[0],
  ACTIONS_RUNTIME_URL: 'https://pipelines.actions.githubusercontent.com/sim/',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.githubusercontent.com/sim?api-version=2',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: RUNNER_TOKENS[1],
};

interface ActionYaml {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string };
}

export async function readActionYaml(): Promise<ActionYaml> {
  return parse(await readFile(path.join(repoRoot, 'action.yml'), 'utf8')) as ActionYaml;
}

export interface RunOptions {
  /** `with:` values; inputs not given get their action.yml default. */
  readonly inputs: Readonly<Record<string, string>>;
  /** GITHUB_* and RUNNER_* values for this run. */
  readonly github: {
    readonly apiUrl: string;
    readonly token: string;
    readonly repository?: string;
    readonly runId?: number;
    readonly attempt?: number;
    readonly sha: string;
    readonly workspace: string;
    readonly runnerName?: string;
  };
  readonly extraEnv?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** Cancel the job like the runner does (SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after
   * that) once a stdout line matches, or after a delay. */
  readonly cancel?: { readonly afterLine: RegExp } | { readonly afterMs: number };
  /** Each stdout line as it arrives, with ms since the process was spawned. */
  readonly onLine?: (line: string, atMs: number) => void;
}

/** The runner's cancellation timing (actions/runner: SIGINT, then SIGTERM, then kill). */
export const CANCEL_SIGTERM_AFTER_MS = 7_500;
export const CANCEL_KILL_AFTER_MS = 2_500;

export interface Annotation {
  readonly level: 'error' | 'warning' | 'notice';
  readonly title: string | undefined;
  readonly message: string;
}

export interface RunResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly annotations: Annotation[];
  /** Everything a user could see: stdout, stderr, summary and outputs. */
  readonly everything: string;
  /** What the step saved with core.saveState (given to the post step as STATE_*). */
  readonly state: Record<string, string>;
  /** What the git and flyctl stand-ins recorded: `=== <name> argv [arg]…`, the environment
   * one variable a line, `=== end` (see sim/record-child.sh). Not visible to a user. */
  readonly children: string;
  /** Signals the simulated runner sent, in order. */
  readonly signalsSent: string[];
  /** Runs the post step (`post-if: always()`) as the runner would after this main step. */
  runPost(): Promise<RunResult>;
}

/** Parses the `name<<delimiter` blocks that @actions/core writes to GITHUB_OUTPUT. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[index] ?? '');
    if (!match) continue;
    const [, name = '', delimiter] = match;
    const value: string[] = [];
    for (index++; index < lines.length && lines[index] !== delimiter; index++) {
      value.push(lines[index] ?? '');
    }
    values[name] = value.join('\n');
  }
  return values;
}

function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** The stdout lines the runner acts on as workflow commands: `::stop-commands::<token>`
 * turns processing off until a line `::<token>::` (actions/runner ActionCommandManager;
 * actions/toolkit docs/commands.md "Stopping and starting workflow commands"). */
export function commandLines(stdout: string): string[] {
  const active: string[] = [];
  let stoppedBy: string | undefined;
  for (const line of stdout.split('\n')) {
    const trimmed = line.trim();
    if (stoppedBy !== undefined) {
      if (trimmed === `::${stoppedBy}::`) stoppedBy = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(trimmed);
    if (stop) stoppedBy = stop[1];
    else if (trimmed.startsWith('::')) active.push(trimmed);
  }
  return active;
}

/** Reads `::error title=...::message` workflow commands from stdout. */
export function parseAnnotations(stdout: string): Annotation[] {
  const found: Annotation[] = [];
  for (const line of commandLines(stdout)) {
    const match = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line);
    if (!match) continue;
    const title = /title=([^,]*)/.exec(match[2] ?? '')?.[1];
    found.push({
      level: match[1] as Annotation['level'],
      title: title === undefined ? undefined : unescapeCommand(title),
      message: unescapeCommand(match[3] ?? ''),
    });
  }
  return found;
}

export async function runAction(options: RunOptions): Promise<RunResult> {
  // RUNNER_TEMP belongs to the job: main and post see the same one, emptied when the job ends
  // (here: after the post step, or with the OS temp dir when no post step runs).
  const jobTemp = await mkdtemp(path.join(os.tmpdir(), 'gd-runner-temp-'));
  return runStep(options, {}, jobTemp);
}

async function runStep(
  options: RunOptions,
  savedState: Readonly<Record<string, string>>,
  jobTemp: string,
): Promise<RunResult> {
  const action = await readActionYaml();
  const runnerTemp = await mkdtemp(path.join(os.tmpdir(), 'gd-runner-'));
  const files = {
    GITHUB_OUTPUT: path.join(runnerTemp, 'output'),
    GITHUB_STEP_SUMMARY: path.join(runnerTemp, 'summary'),
    GITHUB_STATE: path.join(runnerTemp, 'state'),
    GITHUB_ENV: path.join(runnerTemp, 'env'),
    GITHUB_PATH: path.join(runnerTemp, 'path'),
  };
  await Promise.all(Object.values(files).map((file) => writeFile(file, '')));

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.homedir(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: options.github.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: options.github.repository ?? 'acme/shop',
    GITHUB_RUN_ID: String(options.github.runId ?? 1001),
    GITHUB_RUN_ATTEMPT: String(options.github.attempt ?? 1),
    GITHUB_SHA: options.github.sha,
    GITHUB_WORKSPACE: options.github.workspace,
    GITHUB_JOB: 'deploy',
    GITHUB_WORKFLOW: 'ci',
    RUNNER_TEMP: jobTemp,
    RUNNER_NAME: options.github.runnerName ?? 'GitHub Actions 7',
    ...RUNNER_CREDENTIALS,
    ...files,
  };
  for (const [name, spec] of Object.entries(action.inputs)) {
    const given = options.inputs[name];
    const fallback = (spec.default ?? '').replace('${{ github.token }}', options.github.token);
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = given ?? fallback;
  }
  for (const name of Object.keys(options.inputs)) {
    if (!(name in action.inputs)) throw new Error(`test passes unknown input '${name}'`);
  }
  for (const [name, value] of Object.entries(savedState)) env[`STATE_${name}`] = value;
  Object.assign(env, options.extraEnv);
  // The git stand-in first on PATH, and where it and flyctl's record what they were given.
  const childLog = path.join(runnerTemp, 'children.log');
  env.PATH = `${GIT_STAND_IN_DIR}${path.delimiter}${env.PATH ?? ''}`;
  env.GD_SIM_CHILD_LOG = childLog;

  // The runtime action.yml names (node24), never the tests' own Node: see action-node.ts.
  const node = await actionNode(action.runs.using, repoRoot);
  const spawnedAt = performance.now();
  const child = spawn(node, [distEntry], {
    cwd: options.github.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  const signalsSent: string[] = [];
  const timers: NodeJS.Timeout[] = [];
  let cancelling = false;
  const send = (signal: NodeJS.Signals): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalsSent.push(signal);
    child.kill(signal);
  };
  const startCancel = (): void => {
    if (cancelling) return;
    cancelling = true;
    send('SIGINT');
    timers.push(setTimeout(() => send('SIGTERM'), CANCEL_SIGTERM_AFTER_MS));
    timers.push(setTimeout(() => send('SIGKILL'), CANCEL_SIGTERM_AFTER_MS + CANCEL_KILL_AFTER_MS));
  };
  const cancel = options.cancel;
  if (cancel !== undefined && 'afterMs' in cancel) {
    timers.push(setTimeout(startCancel, cancel.afterMs));
  }
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    const atMs = performance.now() - spawnedAt;
    for (const line of lines) {
      options.onLine?.(line, atMs);
      if (cancel !== undefined && 'afterLine' in cancel && cancel.afterLine.test(line)) {
        startCancel();
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 45_000;
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dist/index.js still running after ${timeoutMs} ms:\n${stdout}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      for (const pending of timers) clearTimeout(pending);
      resolve(code);
    });
  });

  const outputs = parseCommandFile(await readFile(files.GITHUB_OUTPUT, 'utf8'));
  const summary = await readFile(files.GITHUB_STEP_SUMMARY, 'utf8');
  const state = { ...savedState, ...parseCommandFile(await readFile(files.GITHUB_STATE, 'utf8')) };
  const children = await readFile(childLog, 'utf8').catch(() => '');
  await rm(runnerTemp, { recursive: true, force: true });
  return {
    exitCode,
    stdout,
    stderr,
    outputs,
    summary,
    annotations: parseAnnotations(stdout),
    everything: [stdout, stderr, summary, JSON.stringify(outputs)].join('\n'),
    state,
    children,
    signalsSent,
    runPost: async () => {
      try {
        return await runStep({ ...options, cancel: undefined }, state, jobTemp);
      } finally {
        await rm(jobTemp, { recursive: true, force: true });
      }
    },
  };
}
