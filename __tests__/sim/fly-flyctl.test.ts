// The flyctl stand-in, run as a real child process from PATH against the simulator: rolling,
// immediate, canary and bluegreen deploys, the release JSON line, the token check, and the
// fault knobs (fail midway, hang until a signal, a machine silently left on the old image).
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../sim/app-repo.js';
import { FLYCTL_DIR, flyToml, flyWorkerToml } from '../../sim/fly-scenario.js';
import type { FlyAppOptions } from '../../sim/fly/index.js';
import { authorizationFor } from '../../sim/fly/token.js';
import { startSimulator } from '../../sim/index.js';
import type { Simulator } from '../../sim/index.js';

const exampleApp = path.resolve(import.meta.dirname, '..', '..', 'examples', 'app');
const SHA = '3f2a9c1d7e5b4a6f8c0d2e4f6a8b0c1d3e5f7a9b';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let sim: Simulator;
let tempRoot: string;

/** A seeded 3-machine app and a checkout of examples/app for it, at `next` config. */
async function newApp(
  name: string,
  next: AppConfig,
  toml = flyToml(name),
  appOptions: FlyAppOptions = {},
): Promise<{ dir: string; oldDigest: string }> {
  const dir = path.join(tempRoot, name);
  await cp(exampleApp, dir, { recursive: true });
  await writeFile(path.join(dir, 'fly.toml'), toml);
  await writeFile(path.join(dir, 'app-config.json'), JSON.stringify({ version: '1' }));
  await sim.fly.createApp(name, { regions: ['ams', 'fra'], machines: 3, ...appOptions });
  await sim.fly.seedRelease(name, dir);
  await writeFile(path.join(dir, 'app-config.json'), JSON.stringify(next));
  const oldDigest = sim.fly.state(name).machines[0]?.digest ?? '';
  return { dir, oldDigest };
}

function flyctl(
  dir: string,
  args: readonly string[],
  env: Record<string, string> = {},
  command = 'flyctl',
): { done: Promise<Run>; child: ReturnType<typeof spawn> } {
  const child = spawn(command, args, {
    cwd: dir,
    env: {
      PATH: `${FLYCTL_DIR}${path.delimiter}${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? os.homedir(),
      FLY_API_TOKEN: sim.fly.token,
      FLY_SIM_API_URL: sim.flyApiUrl,
      // flyctl's own override of api.machines.dev, which the action sets from `api-url`.
      FLY_FLAPS_BASE_URL: sim.flyApiUrl,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`flyctl still running:\n${stdout}\n${stderr}`));
    }, 40_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { done, child };
}

function deployArgs(app: string, label = `gd-${SHA.slice(0, 12)}`): string[] {
  return [
    'deploy',
    '--app',
    app,
    '--config',
    'fly.toml',
    '--remote-only',
    '--yes',
    '--image-label',
    label,
  ];
}

/** Digests in flyctl's rolling order: machines sorted by id (plan.go). */
function digests(app: string): string[] {
  return [...sim.fly.state(app).machines]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((machine) => machine.digest);
}

async function proxiedVersion(app: string): Promise<string> {
  const response = await fetch(new URL('/version', sim.fly.publicUrl(app)));
  return response.ok ? (await response.text()).trim() : `HTTP ${response.status}`;
}

beforeAll(async () => {
  sim = await startSimulator();
  tempRoot = await mkdtemp(path.join(os.tmpdir(), 'fly-flyctl-test-'));
});

afterAll(async () => {
  await sim?.stop();
  if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
});

describe.concurrent('flyctl stand-in', () => {
  it('refuses to run without FLY_API_TOKEN, with flyctl message (also as `fly`)', async () => {
    const run = await flyctl(tempRoot, deployArgs('any'), { FLY_API_TOKEN: '' }, 'fly').done;
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "Error: No access token available. Please login with 'flyctl auth login'\n",
    );
  });

  it('rolls the new image onto all 3 machines and prints the release JSON last', async () => {
    const { dir, oldDigest } = await newApp('roll', { version: '2' });
    const before = sim.fly.state('roll').machines;
    const run = await flyctl(dir, deployArgs('roll'), {
      GITHUB_SHA: SHA,
      GITHUB_ACTIONS: 'true',
      FLY_EMIT_RELEASE_JSON: '1',
    }).done;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Updating existing machines in 'roll' with rolling strategy");
    const lines = run.stdout.trim().split('\n');
    const release = JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>;
    expect(release).toEqual({
      id: expect.any(String),
      version: 2,
      image_ref: expect.stringMatching(
        /^registry\.fly\.io\/roll:gd-3f2a9c1d7e5b@sha256:[0-9a-f]{64}$/,
      ),
    });
    const after = sim.fly.state('roll').machines;
    expect(after.map((m) => m.id)).toEqual(before.map((m) => m.id));
    for (const machine of after) {
      expect(machine.image).toBe('registry.fly.io/roll:gd-3f2a9c1d7e5b');
      expect(`${machine.image}@${machine.digest}`).toBe(release.image_ref);
      expect(machine.digest).not.toBe(oldDigest);
      expect(machine.labels).toEqual({ GH_SHA: SHA });
      expect(machine.metadata).toMatchObject({
        fly_release_version: '2',
        fly_release_id: release.id,
      });
      expect(machine.state).toBe('started');
      expect(machine.checks.every((check) => check.status === 'passing')).toBe(true);
      expect(before.find((m) => m.id === machine.id)?.instanceId).not.toBe(machine.instanceId);
    }
    expect(await proxiedVersion('roll')).toBe('2');
    // Each machine was leased, updated with the nonce, waited for and released.
    const calls = sim.flyRequests.filter((r) => r.path.startsWith('/v1/apps/roll/machines/'));
    // Every lease first, then the first update (flyctl deploy plan.go `acquireLeases`).
    const isLease = (r: (typeof calls)[number]): boolean =>
      r.method === 'POST' &&
      r.path.endsWith('/lease') &&
      r.headers['fly-machine-lease-nonce'] === undefined;
    const isUpdate = (r: (typeof calls)[number]): boolean =>
      r.method === 'POST' && /\/machines\/[^/]+$/.test(r.path);
    const leases = calls.map((r, index) => (isLease(r) ? index : -1)).filter((i) => i >= 0);
    expect(leases).toHaveLength(after.length);
    expect(Math.max(...leases)).toBeLessThan(calls.findIndex(isUpdate));
    for (const machine of after) {
      const mine = calls.filter((r) => r.path.includes(machine.id));
      const update = mine.find((r) => r.method === 'POST' && r.path.endsWith(machine.id));
      expect(update?.headers['fly-machine-lease-nonce']).toMatch(/^[0-9a-f]+$/);
      expect(update?.headers.authorization).toBe(authorizationFor(sim.fly.token));
      expect(mine.some((r) => r.method === 'DELETE' && r.path.endsWith('/lease'))).toBe(true);
    }
    expect(sim.contractViolations).toEqual([]);
  });

  it('labels GH_SHA only inside Actions, reads FLY_ACCESS_TOKEN first, emits on any value', async () => {
    const { dir } = await newApp('plain', { version: '2' });
    const run = await flyctl(dir, deployArgs('plain'), {
      GITHUB_SHA: SHA,
      FLY_API_TOKEN: 'FlyV1 fm2_not-the-token',
      FLY_ACCESS_TOKEN: sim.fly.token,
      FLY_EMIT_RELEASE_JSON: 'yes',
    }).done;
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^\{"id":/);
    for (const machine of sim.fly.state('plain').machines) expect(machine.labels).toEqual({});
  });

  it('fails midway with FLY_SIM_FAIL_AFTER_MACHINES, leaving mixed images', async () => {
    const { dir, oldDigest } = await newApp('midway', { version: '2' });
    const run = await flyctl(dir, deployArgs('midway'), {
      FLY_SIM_FAIL_AFTER_MACHINES: '1',
      FLY_EMIT_RELEASE_JSON: '1',
    }).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Error: failed to update machine [0-9a-f]{14}: /);
    expect(run.stdout).not.toContain('"version"');
    const [first, ...rest] = digests('midway');
    expect(first).not.toBe(oldDigest);
    expect(rest).toEqual([oldDigest, oldDigest]);
  });

  it('fails a rolling deploy whose new machine never gets healthy', async () => {
    // Long enough for the machine to start on a loaded machine, short enough to wait out.
    const toml = flyToml('sick').replace('wait_timeout = "15s"', 'wait_timeout = "4s"');
    const { dir, oldDigest } = await newApp('sick', { version: '2', healthStatus: 500 }, toml);
    const run = await flyctl(dir, deployArgs('sick')).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('timeout reached waiting for health checks to pass');
    const [first, ...rest] = digests('sick');
    expect(first).not.toBe(oldDigest);
    expect(rest).toEqual([oldDigest, oldDigest]);
    expect(await proxiedVersion('sick')).toBe('1');
  });

  it('exits 0 with the immediate strategy even when the new release is broken', async () => {
    const toml = flyToml('rash', 'immediate');
    const { dir, oldDigest } = await newApp('rash', { version: '2', healthStatus: 500 }, toml);
    const run = await flyctl(dir, deployArgs('rash')).done;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('with immediate strategy');
    expect(digests('rash').every((digest) => digest !== oldDigest)).toBe(true);
    const deadline = Date.now() + 5000;
    const critical = (): boolean =>
      sim.fly
        .state('rash')
        .machines.every((m) => m.checks.length > 0 && m.checks[0]?.status === 'critical');
    while (!critical() && Date.now() < deadline) await sleep(50);
    expect(critical()).toBe(true);
    expect(await proxiedVersion('rash')).toBe('HTTP 503');
  });

  it('reports success while FLY_SIM_STAY_ON_OLD_IMAGE keeps one machine on the old image', async () => {
    const { dir, oldDigest } = await newApp('stale', { version: '2' });
    const run = await flyctl(dir, deployArgs('stale'), { FLY_SIM_STAY_ON_OLD_IMAGE: '1' }).done;
    expect(run.code).toBe(0);
    expect(run.stdout.match(/update finished: success/g)).toHaveLength(3);
    const [first, second, third] = digests('stale');
    expect(second).toBe(oldDigest);
    expect(first).not.toBe(oldDigest);
    expect(third).toBe(first);
  });

  it('deploys a prebuilt image with --image', async () => {
    const { dir } = await newApp('prebuilt', { version: '7' });
    const { ref, digest } = await sim.fly.buildImage('prebuilt', dir, 'v7-build', { GH_SHA: SHA });
    const run = await flyctl(dir, ['deploy', '-a', 'prebuilt', '--image', ref, '--yes']).done;
    expect(run.code).toBe(0);
    expect(digests('prebuilt')).toEqual([digest, digest, digest]);
    expect(await proxiedVersion('prebuilt')).toBe('7');
    const missing = await flyctl(dir, [
      'deploy',
      '-a',
      'prebuilt',
      '--image',
      'registry.fly.io/prebuilt:nope',
    ]).done;
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('failed to fetch an image or build from source');
  });

  it('replaces every machine with the bluegreen strategy', async () => {
    const toml = flyToml('bg', 'bluegreen');
    const { dir, oldDigest } = await newApp('bg', { version: '2' }, toml);
    const blue = sim.fly.state('bg').machines.map((m) => m.id);
    // flyctl's two 10 s waits before stopping and destroying blue, shortened: the order of
    // the steps is under test here, not their length.
    const run = await flyctl(dir, deployArgs('bg'), { FLY_SIM_BLUEGREEN_WAIT_MS: '300' }).done;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const state = sim.fly.state('bg');
    expect(state.machines).toHaveLength(3);
    expect(state.machines.map((m) => m.id).some((id) => blue.includes(id))).toBe(false);
    expect(state.destroyed).toEqual(expect.arrayContaining(blue));
    expect(state.machines.every((m) => m.digest !== oldDigest && !m.cordoned)).toBe(true);
    expect(state.machines.map((m) => m.region).sort()).toEqual(['ams', 'ams', 'fra']);
    expect(await proxiedVersion('bg')).toBe('2');
  });

  it('leaves a failed canary behind and the app machines untouched', async () => {
    const toml = flyToml('bird', 'canary').replace('wait_timeout = "15s"', 'wait_timeout = "2s"');
    const { dir, oldDigest } = await newApp('bird', { version: '2', healthStatus: 500 }, toml);
    const run = await flyctl(dir, deployArgs('bird')).done;
    expect(run.code).toBe(1);
    const state = sim.fly.state('bird');
    const canaries = state.machines.filter((m) => m.metadata.fly_canary === 'true');
    expect(canaries).toHaveLength(1);
    const others = state.machines.filter((m) => m.metadata.fly_canary === undefined);
    expect(others.map((m) => m.digest)).toEqual([oldDigest, oldDigest, oldDigest]);
  });
});

/** The machine ids in the order their updates began, and the most updates in flight at once,
 * read from the stand-in's `Updating` and `update finished` lines. */
function updateOrder(stdout: string): {
  started: string[];
  maxInFlight: number;
  firstAlone: boolean;
} {
  const started: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let firstAlone = true;
  for (const line of stdout.split('\n')) {
    const begun = /Machine (\S+) \[\w+\] Updating$/.exec(line);
    if (begun?.[1] !== undefined) {
      if (started.length === 1 && inFlight > 0) firstAlone = false;
      started.push(begun[1]);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
    } else if (/update finished/.test(line)) {
      inFlight -= 1;
    }
  }
  return { started, maxInFlight, firstAlone };
}

describe.concurrent('flyctl stand-in: order, canaries, release command', () => {
  it('rolls by machine id: one machine first, then ceil(0.33·N) at a time', async () => {
    const { dir } = await newApp('order', { version: '2' }, flyToml('order'), { machines: 7 });
    const ids = sim.fly.state('order').machines.map((m) => m.id);
    const run = await flyctl(dir, deployArgs('order')).done;
    expect(run.code).toBe(0);
    const order = updateOrder(run.stdout);
    expect(order.started).toEqual([...ids].sort());
    expect(order.firstAlone).toBe(true);
    // The pool is sized on all 7 started machines (flyctl `getPoolSize(len(warmMachines))`).
    expect(order.maxInFlight).toBe(Math.ceil(7 * 0.33));
  });

  it('runs one canary per process group, then destroys them', async () => {
    const toml = flyWorkerToml('pair').replace('[deploy]', "[deploy]\n  strategy = 'canary'");
    const { dir } = await newApp('pair', { version: '2' }, toml, { machines: 2, workers: 1 });
    const run = await flyctl(dir, deployArgs('pair')).done;
    expect(run.code).toBe(0);
    const created = [...run.stdout.matchAll(/Machine (\S+) \[(\w+)\] canary created/g)];
    expect(created.map((match) => match[2]).sort()).toEqual(['app', 'worker']);
    const state = sim.fly.state('pair');
    expect(state.machines.some((m) => m.metadata.fly_canary === 'true')).toBe(false);
    expect(state.destroyed).toEqual(expect.arrayContaining(created.map((match) => match[1])));
  });

  it('a failing release_command stops the deploy before any app machine changes', async () => {
    const toml = flyToml('relfail').replace('[deploy]', '[deploy]\n  release_command = "false"');
    const { dir, oldDigest } = await newApp('relfail', { version: '2' }, toml);
    const before = sim.fly.state('relfail').machines.map((m) => m.instanceId);
    const run = await flyctl(dir, deployArgs('relfail')).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/release command failed - aborting deployment.*status of 1/);
    expect(run.stdout).not.toMatch(/Updating/);
    const state = sim.fly.state('relfail');
    expect(state.machines.map((m) => m.instanceId)).toEqual(before);
    expect(state.machines.map((m) => m.digest)).toEqual([oldDigest, oldDigest, oldDigest]);
    // The temporary machine destroyed itself (auto_destroy).
    expect(state.destroyed).toHaveLength(1);
  });

  it('a release_command that succeeds runs before the machines are updated', async () => {
    const toml = flyToml('relok').replace('[deploy]', '[deploy]\n  release_command = "true"');
    const { dir, oldDigest } = await newApp('relok', { version: '2' }, toml);
    const run = await flyctl(dir, deployArgs('relok')).done;
    expect(run.code).toBe(0);
    const done = run.stdout.indexOf('completed successfully');
    expect(done).toBeGreaterThan(0);
    expect(run.stdout.indexOf('Updating')).toBeGreaterThan(done);
    expect(digests('relok').every((digest) => digest !== oldDigest)).toBe(true);
  });
});

describe('signals', () => {
  it('exits 127 when interrupted while FLY_SIM_HANG holds it', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const { done, child } = flyctl(tempRoot, deployArgs('any'), { FLY_SIM_HANG: '1' });
      const deadline = Date.now() + 10_000;
      while (child.stdout && Date.now() < deadline) {
        const started = await Promise.race([
          new Promise<boolean>((resolve) => child.stdout?.once('data', () => resolve(true))),
          sleep(100).then(() => false),
        ]);
        if (started) break;
      }
      child.kill(signal);
      const run = await done;
      expect(run.code).toBe(127);
      expect(run.stderr).toContain(`interrupted (${signal})`);
    }
  });
});
