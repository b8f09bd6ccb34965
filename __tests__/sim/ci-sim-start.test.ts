// The step of ci.yml's test-action job that starts the simulator, run here as the runner
// runs it: the simulator keeps running after the step, and the job's later steps find its
// URLs and token in GITHUB_ENV.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../sim/runner.js';

interface Workflow {
  jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }>;
}

let runnerTemp: string | undefined;
/** The process group of the step's shell, which everything it starts in the background joins. */
let group: number | undefined;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Bounded wait for a process (or, negative, a process group) to exit. */
async function waitUntilGone(pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still running after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs a step's script as GitHub's `shell: bash` does: bash --noprofile --norc -eo pipefail. */
function runStep(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  group = child.pid;
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`step still running after 150 s:\n${output}`)),
      150_000,
    );
    child.on('error', reject);
    // 'close': the step's output pipes are closed too, as the runner waits for them.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

afterEach(async () => {
  if (group !== undefined && alive(-group)) {
    process.kill(-group, 'SIGTERM');
    await waitUntilGone(-group);
  }
  group = undefined;
  if (runnerTemp !== undefined) await rm(runnerTemp, { recursive: true, force: true });
});

it('starts the simulator in the background and hands its URLs to later steps', async () => {
  const workflow = parse(
    await readFile(path.join(repoRoot, '.github/workflows/ci.yml'), 'utf8'),
  ) as Workflow;
  const step = workflow.jobs['test-action']?.steps.find(
    (candidate) => candidate.name === 'Start the platform simulator',
  );
  expect(step?.run).toBeDefined();
  runnerTemp = await mkdtemp(path.join(os.tmpdir(), 'gd-ci-step-'));
  const githubEnv = path.join(runnerTemp, 'github_env');
  await writeFile(githubEnv, '');

  const started = await runStep(step?.run ?? '', {
    ...process.env,
    RUNNER_TEMP: runnerTemp,
    GITHUB_ENV: githubEnv,
  });
  expect(started.code, started.output).toBe(0);
  const values = Object.fromEntries(
    (await readFile(githubEnv, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  ) as Record<string, string | undefined>;
  const simPid = Number(values.SIM_PID);

  // The step has ended; the simulator it started still serves the app the job deploys to.
  expect(alive(simPid)).toBe(true);
  expect(values.SIM_APP).toBe('test-action-app');
  const response = await fetch(`${values.SIM_HEROKU_API_URL ?? ''}/apps/${values.SIM_APP}`, {
    headers: {
      accept: 'application/vnd.heroku+json; version=3',
      authorization: `Bearer ${values.SIM_HEROKU_TOKEN ?? ''}`,
    },
    signal: AbortSignal.timeout(10_000),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { web_url: string }).web_url).toBe(values.SIM_APP_URL);

  // The runner ends it at the end of the job: SIGTERM to the simulator ends all it started.
  process.kill(simPid, 'SIGTERM');
  await waitUntilGone(-(group ?? simPid));
}, 180_000);
