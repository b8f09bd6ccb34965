// The Fly.io lane of the fault harness: one simulator, one app with machines in two regions
// running a release, a git checkout with a fly.toml, the real flyctl stand-in, and the call
// sites of a Fly deploy where faults are armed. Faults on the Machines API are armed in two
// phases around flyctl, so they hit the action's own calls (flyctl failing is its own axis).
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCli } from '../../src/io/child-process.js';
import { TailBuffer } from '../../src/io/tail-buffer.js';
import type { Settings } from '../../src/settings/inputs.js';
import type { Release } from '../../src/platforms/platform.js';
import { createFlyPlatform, type FlyDeps } from '../../src/platforms/fly/fly.js';
import { ROLLBACK_ATTEMPTS } from '../../src/flow/recover.js';
import type { RunRecord } from '../../src/flow/run-record.js';
import type { AppConfig } from '../../sim/app-repo.js';
import { FLYCTL_DIR, FLY_TOKEN, flyToml } from '../../sim/fly-scenario.js';
import { authorizationFor } from '../../sim/fly/token.js';
import type { FlyMachineState, Simulator } from '../../sim/index.js';
import type { Fault, FaultHooks } from '../../sim/types.js';
import { CLIENT_TIMEOUT_MS, type FaultKind, faultShape } from './fault-kinds.js';
import {
  caseReport,
  type CaseReport,
  type CaseSpec,
  checkInvariant,
  flowDeps,
  flowSleep,
  type Lane,
  type ReleaseBehaviour,
  RETRY,
  runFlow,
  type Truth,
} from './harness.js';
import {
  callSite,
  fetchText,
  GITHUB_JOBS_SITE,
  releaseConfig,
  type SiteOf,
  startLaneBase,
} from './lane-kit.js';

const GITHUB_TOKEN = 'ghs_flyFaultsToken';
const RUNNER = 'GitHub Actions 5';
/** What the lane's health check requires in the body; a 'broken' release on the bluegreen
 * lane answers 200 without it (Fly's machine checks pass, the action's check does not). */
const CHECK_STRING = '"status":"ok"';
/** One machine wait asks Fly to hold the answer this long (seconds) before its 408. */
const WAIT_SECONDS = 1;
/** The client's limit for a machine wait: the server-side wait plus the usual margin. */
const WAIT_LIMIT_MS = WAIT_SECONDS * 1000 + CLIENT_TIMEOUT_MS;
/** A hang of a machine wait must outlast its longer limit. */
const WAIT_HANG_MS = WAIT_LIMIT_MS + 300;
/** flyctl's wait for a machine to start and pass its checks (fly.toml `wait_timeout`): an
 * upper bound a booting machine does not reach on a loaded machine; only a crashing release
 * waits all of it. */
const FLYCTL_WAIT_TIMEOUT = '5s';
/** Upper bounds only a hang reaches: settling waits on the machines' own states. */
const SETTLE_MS = 30_000;
const HEALTHY_WAIT_MS = 10_000;

export type FlyStrategy = 'rolling' | 'canary' | 'bluegreen';

/** The app a lane deploys, as real Fly apps come (issue #12): all machines started with
 * checks; one machine stopped before each case, the way the proxy's auto-stop leaves an idle
 * one (`auto_stop_machines = "stop"`), which must stay unstarted and follow the release; or
 * no checks declared at all, like the fly.toml `fly launch` writes; or a `worker` process group
 * (no service, no checks) whose machine has a standby, created and never started. */
export type FlyShape = 'plain' | 'stopped' | 'no-checks' | 'standby';

/** How flyctl itself behaves (the stand-in's knobs). */
export const FLYCTL_MODES = ['ok', 'fails-early', 'fails-midway', 'stale-machine'] as const;
export type FlyctlMode = (typeof FLYCTL_MODES)[number];

export interface FlyCaseSpec extends CaseSpec {
  readonly flyctl?: FlyctlMode;
}

type Target = 'fly' | 'github' | 'proxy';

export type FlySite = SiteOf<Target>;

export interface FlyLane extends Lane {
  readonly sim: Simulator;
  readonly strategy: FlyStrategy;
  readonly shape: FlyShape;
  runFlyCase(spec: FlyCaseSpec): Promise<CaseReport>;
}

export interface FlyLaneOptions {
  readonly strategy?: FlyStrategy;
  /** App machines, spread over ams and fra; default 2 (3 when one of them is stopped). */
  readonly machines?: number;
  readonly shape?: FlyShape;
}

function flyCallSites(app: string): FlySite[] {
  const appPath = `/v1/apps/${app}`;
  const machine = `${appPath}/machines/[^/]+`;
  const site = (name: string, method: string, pattern: string, afterPush: boolean) =>
    callSite<Target>(name, 'fly', method, pattern, afterPush);
  return [
    GITHUB_JOBS_SITE,
    site('GET app', 'GET', appPath, false),
    site('machines list (snapshot)', 'GET', `${appPath}/machines`, false),
    site('machines list', 'GET', `${appPath}/machines`, true),
    site('machine get', 'GET', machine, true),
    site('lease', 'POST', `${machine}/lease`, true),
    site('lease release', 'DELETE', `${machine}/lease`, true),
    site('machine update', 'POST', machine, true),
    site('wait', 'GET', `${machine}/wait`, true),
    site('machine destroy', 'DELETE', machine, true),
    site('machine create', 'POST', `${appPath}/machines`, true),
    callSite<Target>('health', 'proxy', 'GET', '/health', true),
  ];
}

/** A broken release passes Fly's checks and fails the action's (its body lacks CHECK_STRING):
 * the action condemns it on its injected clock, where flyctl would wait out its real-time
 * `wait_timeout` (a crashing release still takes that path). Blue/green only goes live once
 * Fly's checks pass, so there it is the only way to be broken. */
function appConfig(version: string, behaviour: ReleaseBehaviour): AppConfig {
  return releaseConfig(version, behaviour, { healthBody: '{"status":"degraded"}' });
}

function flyctlEnv(mode: FlyctlMode): Record<string, string> {
  switch (mode) {
    case 'ok':
      return {};
    case 'fails-early':
      return { FLY_SIM_FAIL_AFTER_MACHINES: '0' };
    case 'fails-midway':
      return { FLY_SIM_FAIL_AFTER_MACHINES: '1' };
    case 'stale-machine':
      return { FLY_SIM_STAY_ON_OLD_IMAGE: '1' };
  }
}

/** A path pattern that counts the requests it matched: the simulator tests a fault's pattern
 * only while the fault has uses left, and uses one per match, so this counts faults dealt. */
class CountingPattern extends RegExp {
  dealt = 0;

  override test(value: string): boolean {
    const matched = super.test(value);
    if (matched) this.dealt += 1;
    return matched;
  }
}

interface ArmedFault {
  readonly site: FlySite;
  readonly kind: FaultKind;
  readonly times: number;
  readonly pattern: CountingPattern;
}

/**
 * Could the faults dealt after the push have defeated every rollback attempt? Each failed
 * attempt needs at least one fault on a write the action does not repeat (a lease, an update,
 * a create, a destroy), or three on a read or a 429 (retried RETRY.attempts times); a slow
 * trickle fails nothing and a lease that is not given back only leaves a warning.
 */
export function rollbackExhausted(armed: readonly ArmedFault[]): boolean {
  let weight = 0;
  for (const fault of armed) {
    const { site, kind } = fault;
    if (!site.afterPush || site.target !== 'fly' || kind === 'trickle') continue;
    if (site.name === 'lease release') continue;
    // A lease taken but its answer lost (hang, garbled) stays held under a nonce the action
    // never read, for its whole TTL: a real run waits that out within the post step's budget,
    // this lane's compressed waits cannot.
    if (site.name === 'lease' && (kind === 'hang' || kind === 'malformed')) {
      if (fault.pattern.dealt > 0) return true;
      continue;
    }
    const repeated = site.method === 'GET' || kind === '429';
    weight += fault.pattern.dealt / (repeated ? RETRY.attempts : 1);
  }
  return weight >= ROLLBACK_ATTEMPTS;
}

/** The id a release gets in a lane's verdicts: its digest (the action names one release by
 * a tag ref or a repository ref, both pinned to the same digest). */
function digestId(id: string): string {
  if (id.startsWith('mixed:')) {
    return `mixed:${id
      .slice('mixed:'.length)
      .split('+')
      .map((part) => digestId(part))
      .sort()
      .join('+')}`;
  }
  return /@(sha256:[0-9a-f]{64})$/.exec(id)?.[1] ?? id;
}

function byDigest(record: RunRecord): RunRecord {
  const pin = (release: Release | undefined): Release | undefined =>
    release === undefined ? undefined : { ...release, id: digestId(release.id) };
  return {
    ...record,
    previous: pin(record.previous),
    release: pin(record.release),
    rollbackRelease: pin(record.rollbackRelease),
  };
}

function isAppMachine(machine: FlyMachineState): boolean {
  return (
    machine.metadata.fly_platform_version === 'v2' &&
    machine.state !== 'destroyed' &&
    machine.state !== 'destroying'
  );
}

/** Fly is starting the machine, or its process has yet to bind its port (its checks have
 * not run yet, or found nothing listening). */
function machineBooting(machine: FlyMachineState): boolean {
  if (['created', 'starting', 'replacing'].includes(machine.state)) return true;
  return (
    machine.state === 'started' &&
    machine.checks.length > 0 &&
    machine.checks.every(
      (check) => check.status === 'warning' || check.output.includes('ECONNREFUSED'),
    )
  );
}

/** A machine as a case must leave it: one stopped before the case (`resting`) not running,
 * any other started with every check passing (none declared: started is enough). */
function machineFine(
  machine: FlyMachineState,
  resting: ReadonlySet<string>,
  noChecks: boolean,
): boolean {
  if (resting.has(machine.id)) return ['stopped', 'suspended', 'created'].includes(machine.state);
  return (
    machine.state === 'started' &&
    (machine.checks.length > 0 || noChecks) &&
    machine.checks.every((check) => check.status === 'passing')
  );
}

/** The lane's fly.toml for its shape, with flyctl's wait for a machine set to `wait`. */
function shapedToml(app: string, strategy: FlyStrategy, shape: FlyShape, wait?: string): string {
  let toml = flyToml(app, strategy);
  if (wait !== undefined) toml = toml.replace(/wait_timeout = "[^"]*"/, `wait_timeout = "${wait}"`);
  if (shape === 'stopped') {
    toml = toml.replace('auto_stop_machines = "off"', 'auto_stop_machines = "stop"');
  }
  if (shape === 'no-checks') toml = toml.split('  [[http_service.checks]]')[0] ?? toml;
  if (shape === 'standby') {
    toml = toml
      .replace(
        '[http_service]',
        "[processes]\n  app = 'node server.js'\n  worker = 'node server.js'\n\n[http_service]",
      )
      .replace('  internal_port = 8080', "  internal_port = 8080\n  processes = ['app']");
  }
  return toml;
}

/** Truth plus what only Fly has: every machine on its own. */
interface FlyTruth extends Truth {
  readonly machines: readonly FlyMachineState[];
  /** Per machine /version, asked past the proxy. */
  readonly versions: readonly string[];
}

let laneCounter = 0;

export async function startFlyLane(options: FlyLaneOptions = {}): Promise<FlyLane> {
  laneCounter += 1;
  const strategy = options.strategy ?? 'rolling';
  const shape = options.shape ?? 'plain';
  // The standby shape adds a worker and its standby to the 2 web machines.
  const machineCount = options.machines ?? (shape === 'stopped' ? 3 : shape === 'standby' ? 4 : 2);
  const name = `fly-faults-${laneCounter}`;
  const app = `fly-lane-${laneCounter}`;
  const toml = shapedToml(app, strategy, shape, FLYCTL_WAIT_TIMEOUT);
  /** The machines stopped before the current case (the `stopped` shape). */
  let resting: ReadonlySet<string> = new Set();
  const fine = (machine: FlyMachineState): boolean =>
    machineFine(
      machine,
      resting,
      shape === 'no-checks' || machine.metadata.fly_process_group === 'worker',
    );
  let publicUrl = '';
  const base = await startLaneBase({
    // The action paces itself by Fly's limits with the clock the lane shortens: no 429s
    // other than the ones a schedule injects.
    simulator: { flyToken: FLY_TOKEN, flyRateLimit: false },
    githubToken: GITHUB_TOKEN,
    runner: RUNNER,
    runId: 9000 + laneCounter,
    limitFor: (requestPath) =>
      /\/machines\/[^/]+\/wait(\?|$)/.test(requestPath) ? WAIT_LIMIT_MS : CLIENT_TIMEOUT_MS,
    async seed(sim, checkout) {
      ({ publicUrl } = await sim.fly.createApp(app, {
        regions: ['ams', 'fra'],
        // Web machines; the standby shape's worker and standby come on top.
        machines: shape === 'standby' ? machineCount - 2 : machineCount,
        bluegreen: strategy === 'bluegreen',
        // No proxy autostop rounds: a lane stops its one machine itself, before each case.
        autoStopEveryMs: 0,
        ...(shape === 'standby' ? { workers: 1, standbys: true } : {}),
      }));
      await checkout.commit({ version: `${name}-initial` }, { 'fly.toml': toml });
      await sim.fly.seedRelease(app, checkout.dir);
    },
  });
  const { sim, checkout } = base;
  const sites = flyCallSites(app);
  const flyctlPath = path.join(FLYCTL_DIR, 'flyctl');
  const flyConfig = path.join(checkout.dir, 'fly.toml');
  const hooks = (target: Target): FaultHooks =>
    target === 'github' ? sim.github : target === 'proxy' ? sim.fly.proxyFaults(app) : sim.fly;
  const clearAll = (): void => {
    for (const target of ['fly', 'github', 'proxy'] as const) hooks(target).clear();
  };

  const appMachines = (): FlyMachineState[] => sim.fly.state(app).machines.filter(isAppMachine);
  const booting = (): boolean => appMachines().some(machineBooting);

  const machineVersion = async (id: string): Promise<string> => {
    const port = sim.fly.machinePort(app, id);
    if (port === undefined) return '';
    const answer = await fetchText(`http://127.0.0.1:${port}/version`);
    return answer.status === 200 ? answer.text : '';
  };

  const readTruth = async (): Promise<FlyTruth> => {
    const machines = appMachines();
    const digests = [...new Set(machines.map((machine) => machine.digest))].sort();
    const versions = await Promise.all(machines.map((machine) => machineVersion(machine.id)));
    const labels = [
      ...new Set(machines.map((machine) => `v${machine.metadata.fly_release_version ?? '?'}`)),
    ];
    const health = await fetchText(new URL('/health', publicUrl).href);
    // The code the running machines serve (a stopped one serves none).
    const codes = [
      ...new Set(versions.filter((_, i) => !resting.has(machines[i]?.id ?? ''))),
    ].sort();
    return {
      release: {
        id: digests.length === 1 ? (digests[0] ?? '') : `mixed:${digests.join('+')}`,
        label: labels.join('+'),
      },
      // One code when every machine serves the same one; a mix never equals either side.
      code: codes.length === 1 && codes[0] !== '' ? (codes[0] ?? '') : codes.join('+'),
      healthy: health.status === 200 && health.text.includes(CHECK_STRING),
      // A Fly rollback puts the very image back: the release id itself says it.
      restoresBefore: false,
      machines,
      versions,
    };
  };

  /** Waits until no machine is between states or booting, then (bounded) for their checks
   * to pass: a running process answers its checks within a few check intervals. */
  const settle = async (): Promise<void> => {
    const restingStates = new Set(['started', 'stopped', 'failed', 'suspended']);
    const still = (machine: FlyMachineState): boolean =>
      restingStates.has(machine.state) && !machineBooting(machine);
    const deadline = Date.now() + SETTLE_MS;
    while (Date.now() < deadline && !appMachines().every(still)) await sleep(50);
    const healthyBy = Date.now() + HEALTHY_WAIT_MS;
    while (Date.now() < healthyBy && !appMachines().every(fine)) await sleep(50);
    // Without checks nothing tells a process that has yet to bind its port: ask it (bounded).
    while (shape !== 'plain' && Date.now() < healthyBy && !(await allAnswer())) {
      await sleep(50);
    }
  };

  const allAnswer = async (): Promise<boolean> => {
    const started = appMachines().filter((machine) => machine.state === 'started');
    const versions = await Promise.all(started.map((machine) => machineVersion(machine.id)));
    return versions.every((version) => version !== '');
  };

  /** A Machines API call of the lane itself (never faulted: faults are cleared first). */
  const api = async (method: string, rest: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${sim.flyApiUrl}/v1/apps/${app}${rest}`, {
      method,
      headers: { authorization: authorizationFor(FLY_TOKEN), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`${method} ${rest} answered ${response.status}`);
    const answer: unknown = await response.json();
    return answer;
  };

  /** The lane's machines, all of them started with passing checks, on one image serving one
   * code, and the app's /health passing: the only state a case may start from. */
  const restingClean = (truth: FlyTruth): boolean =>
    truth.machines.length === machineCount &&
    truth.machines.every(fine) &&
    !truth.release.id.startsWith('mixed:') &&
    truth.code !== '' &&
    truth.machines.every(
      (machine, i) => resting.has(machine.id) || truth.versions[i] === truth.code,
    ) &&
    truth.healthy;

  /** The `stopped` shape: the newest machine stopped (as by `fly machine stop` or the proxy's
   * auto-stop) before the case, through the lane's own unfaulted calls. */
  const stopOne = async (): Promise<void> => {
    if (shape === 'standby') {
      resting = new Set(appMachines().flatMap((m) => (m.standbys.length > 0 ? [m.id] : [])));
    }
    if (shape !== 'stopped') return;
    const machine = appMachines().at(-1);
    if (machine === undefined) return;
    resting = new Set([machine.id]);
    if (machine.state !== 'started') return;
    await api('POST', `/machines/${machine.id}/stop`, {});
    const deadline = Date.now() + SETTLE_MS;
    while (Date.now() < deadline && appMachines().at(-1)?.state !== 'stopped') await sleep(50);
  };

  /** A healthy release on every machine again (after an accepted "THE APP MAY BE DOWN" or a
   * violation), by a plain flyctl deploy, the way a user would recover. */
  const repair = async (label: string): Promise<void> => {
    clearAll();
    sim.fly.dropLeases(app);
    for (const machine of appMachines().slice(machineCount)) {
      await api('DELETE', `/machines/${machine.id}?force=true`);
    }
    // The scenario's own fly.toml: the repair is not under test, its wait is generous.
    await checkout.commit({ version: label }, { 'fly.toml': shapedToml(app, strategy, shape) });
    const output = new TailBuffer(20);
    // Rolling, as flyctl asks for when machines run mixed images (its bluegreen refuses them).
    const args = ['deploy', '--app', app, '--yes', '--strategy', 'rolling'];
    const result = await startCli(flyctlPath, args, {
      cwd: checkout.dir,
      env: {
        FLY_API_TOKEN: FLY_TOKEN,
        FLY_SIM_API_URL: sim.flyApiUrl,
        FLY_FLAPS_BASE_URL: sim.flyApiUrl,
        FLY_SIM_BLUEGREEN_WAIT_MS: '200',
      },
      timeoutMs: 60_000,
      graceMs: 1_000,
      onLine: (line) => output.push(line),
    }).result;
    if (result.exitCode !== 0) {
      throw new Error(`repair deploy of ${app} failed:\n${output.lines().join('\n')}`);
    }
    // flyctl launches one machine for an app that has none: clone it up to the lane's count.
    const machines = await api('GET', '/machines');
    const model = Array.isArray(machines) ? (machines[0] as { config?: unknown }) : undefined;
    for (let index = appMachines().length; index < machineCount; index += 1) {
      await api('POST', '/machines', {
        config: model?.config,
        region: index % 2 === 0 ? 'ams' : 'fra',
      });
    }
    // flyctl updates a stopped machine without starting it (skip_launch, as the real one
    // does), so a machine a case left stopped stays stopped: start it as a user would
    // (`fly machine start`).
    // A standby (its config names the machine it stands in for) stays unstarted.
    const toStart = appMachines().filter(
      (candidate) => candidate.state === 'stopped' && candidate.standbys.length === 0,
    );
    for (const machine of toStart) {
      await api('POST', `/machines/${machine.id}/start`);
    }
    await settle();
  };

  let caseCounter = 0;

  const runFlyCase = async (spec: FlyCaseSpec): Promise<CaseReport> => {
    const startedAt = Date.now();
    caseCounter += 1;
    const newCode = `${name}-case-${caseCounter}`;
    await stopOne();
    let before = await readTruth();
    if (!restingClean(before)) {
      await repair(`${newCode}-baseline`);
      await stopOne();
      // The proxy may lag the machines' checks by a poll: re-read until it agrees (bounded).
      before = await readTruth();
      const agreedBy = Date.now() + HEALTHY_WAIT_MS;
      while (!restingClean(before) && Date.now() < agreedBy) {
        await sleep(100);
        before = await readTruth();
      }
      // Judging a case against a state that is not one verified release proves nothing.
      if (!restingClean(before)) {
        const machines = before.machines.map((machine, index) => {
          const checks = machine.checks.map((check) => check.status).join(',');
          return `${machine.id} ${machine.state} checks=${checks} serves=${before.versions[index]}`;
        });
        throw new Error(
          `lane ${name} could not restore one healthy release: ${before.code} ` +
            `(${machines.join('; ')}; /health ${before.healthy ? 'passes' : 'fails'})`,
        );
      }
    }
    const sha = await checkout.commit(appConfig(newCode, spec.release), {
      'fly.toml': toml,
    });
    const firstRequest = sim.flyRequests.length;
    const armed: ArmedFault[] = spec.faults.map((planned) => {
      const site = sites.find((candidate) => candidate.name === planned.site);
      if (!site) throw new Error(`no call site named ${planned.site}`);
      return {
        site,
        kind: planned.kind,
        times: planned.times,
        pattern: new CountingPattern(site.path.source),
      };
    });
    const arm = (afterPush: boolean): void => {
      for (const fault of armed.filter((entry) => entry.site.afterPush === afterPush)) {
        const shape = faultShape(fault.kind);
        const inject: Fault = {
          method: fault.site.method,
          path: fault.pattern,
          times: fault.times,
          ...shape,
          ...(fault.kind === 'hang' && fault.site.name === 'wait' ? { delayMs: WAIT_HANG_MS } : {}),
        };
        hooks(fault.site.target).inject(inject);
      }
    };
    arm(false);
    const flyDeps: Partial<FlyDeps> = {
      ...base.clientDeps,
      sleep: flowSleep,
      deployTimeoutMs: 60_000,
      stopGraceMs: 1_000,
      machineWaitMs: 8_000,
      waitRequestSeconds: WAIT_SECONDS,
      leaseAttempts: 3,
      leaseRetryMs: 50,
      watchSignals: () => () => undefined,
      // The real stand-in, with this lane's simulator; the faults of the first phase are
      // over when flyctl starts, those of the second are armed when it is done.
      async runFlyctl(command, args, cliOptions) {
        clearAll();
        try {
          return await startCli(command, args, {
            ...cliOptions,
            env: {
              ...cliOptions.env,
              FLY_SIM_API_URL: sim.flyApiUrl,
              // flyctl's late bluegreen waits (10 s each), shortened for the lane.
              FLY_SIM_BLUEGREEN_WAIT_MS: '200',
              GITHUB_SHA: sha,
              ...flyctlEnv(spec.flyctl ?? 'ok'),
            },
          }).result;
        } finally {
          arm(true);
        }
      },
    };
    const settings: Settings = {
      ...base.settings({ platform: 'fly', app, apiUrl: sim.flyApiUrl, apiToken: FLY_TOKEN, sha }),
      healthUrl: new URL('/health', publicUrl).href,
      fly: { flyConfig, image: undefined, flyctlArgs: [], flyctlPath },
    };
    const withCheck: Settings = {
      ...settings,
      health: {
        ...settings.health,
        criteria: { ...settings.health.criteria, checkString: CHECK_STRING },
      },
    };
    const deps = flowDeps((given) => {
      if (given.fly === undefined) throw new Error('fly settings missing');
      return createFlyPlatform({ ...given, ...given.fly }, flyDeps);
    }, booting);
    const flow = await runFlow(withCheck, deps).finally(clearAll);
    await settle();
    const after = await readTruth();
    const leftLeases = sim.fly.dropLeases(app);
    const exhausted = rollbackExhausted(armed);
    const violations = [
      ...checkInvariant({
        record: byDigest(flow.record),
        summary: flow.summary,
        before,
        after,
        newCode,
        release: spec.release,
        rollbackExhausted: exhausted,
      }),
      ...flyChecks({
        record: flow.record,
        before,
        after,
        newCode,
        exhausted,
        machineCount,
        fine,
        resting,
      }),
      ...blindRepeats(sim.flyRequests.slice(firstRequest), app, withCheck.userAgent),
    ];
    // The point of the shaped apps: stopped machines and missing checks are no reason to
    // refuse a healthy release when nothing else went wrong.
    if (
      shape !== 'plain' &&
      spec.release === 'healthy' &&
      spec.faults.length === 0 &&
      (spec.flyctl ?? 'ok') === 'ok' &&
      flow.record.result !== 'deployed'
    ) {
      violations.push(`a healthy release on a ${shape} app, without a fault, was not deployed`);
    }
    // (Blue/green replaces machines: the stand-in's knobs do not apply there.)
    if (
      spec.flyctl === 'stale-machine' &&
      strategy !== 'bluegreen' &&
      flow.record.result === 'deployed'
    ) {
      violations.push('flyctl left a machine on the old image, yet the run says deployed');
    }
    // An accepted "THE APP MAY BE DOWN" may leave healthy machines on mixed images: the next
    // case must not start from there.
    if (
      !restingClean(after) ||
      flow.record.appState === 'THE APP MAY BE DOWN' ||
      violations.length > 0
    ) {
      await repair(`${newCode}-repaired`);
    }
    if (leftLeases.length > 0 && violations.length > 0) {
      violations.push(`(leases left held on ${leftLeases.join(', ')})`);
    }
    return caseReport({
      spec,
      flow,
      judged: byDigest(flow.record),
      before,
      after,
      newCode,
      violations,
      startedAt,
    });
  };

  return {
    platform: 'fly',
    callSites: sites,
    sim,
    strategy,
    shape,
    runFlyCase,
    runCase: (spec) => runFlyCase(spec),
    close: () => base.close(),
  };
}

/** What the shared invariant cannot see on Fly: each machine on its own. */
function flyChecks(input: {
  readonly record: RunRecord;
  readonly before: FlyTruth;
  readonly after: FlyTruth;
  readonly newCode: string;
  readonly exhausted: boolean;
  readonly machineCount: number;
  /** Whether a machine is as a case must leave it (`machineFine`). */
  readonly fine: (machine: FlyMachineState) => boolean;
  /** The machines stopped before the case: they serve nothing, their image tells. */
  readonly resting: ReadonlySet<string>;
}): string[] {
  const { record, before, after, newCode, fine } = input;
  const problems: string[] = [];
  const mayBeDown =
    input.exhausted && record.appState === 'THE APP MAY BE DOWN' && record.recovery !== undefined;
  if (after.machines.length !== input.machineCount && !mayBeDown) {
    const list = after.machines.map((machine) => `${machine.id} ${machine.state}`).join(', ');
    problems.push(`${after.machines.length} app machines after the run: ${list}`);
  }
  const wanted = record.result === 'deployed' ? newCode : before.code;
  const beforeDigests = new Set(before.machines.map((machine) => machine.digest));
  // A machine that serves nothing (stopped before the case) is judged by its image.
  const off = after.machines.filter((machine, index) =>
    input.resting.has(machine.id)
      ? beforeDigests.has(machine.digest) === (record.result === 'deployed')
      : after.versions[index] !== wanted,
  );
  if (off.length > 0 && !mayBeDown) {
    problems.push(
      `machines not on '${wanted}': ` +
        off.map((m) => `${m.id} (${m.region}) ${m.state} '${m.digest.slice(7, 19)}'`).join(', '),
    );
  }
  if (!mayBeDown && !after.machines.every(fine)) {
    problems.push(
      `machines not as they must be (started with passing checks, or stopped as before): ` +
        after.machines
          .filter((machine) => !fine(machine))
          .map((m) => `${m.id} ${m.state} ${m.checks.map((c) => c.status).join('/')}`)
          .join(', '),
    );
  }
  if (record.result !== 'deployed') {
    const strays = after.machines.filter((machine) => !beforeDigests.has(machine.digest));
    if (strays.length > 0 && !mayBeDown) {
      problems.push(`not deployed, yet ${strays.map((m) => m.id).join(', ')} run another image`);
    }
  }
  return problems;
}

/** Writes of the action repeated without a read in between: an update of a machine sent
 * again without reading that machine (or the list), a machine created again in a region
 * after an unclear answer without listing the machines. A 429 says the write was not done:
 * repeating it is fine. */
export function blindRepeats(
  requests: ReadonlyArray<{
    readonly method: string;
    readonly path: string;
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: unknown;
  }>,
  app: string,
  userAgent: string,
): string[] {
  const problems: string[] = [];
  const machinePath = new RegExp(`^/v1/apps/${app}/machines/([^/?]+)$`);
  const listPath = new RegExp(`^/v1/apps/${app}/machines$`);
  /** Writes not followed by a read yet, and the status they got. */
  const unread = new Map<string, number>();
  for (const request of requests) {
    if (request.headers['user-agent'] !== userAgent) continue;
    const pathname = request.path.split('?')[0] ?? '';
    const machine = machinePath.exec(pathname)?.[1];
    const list = listPath.test(pathname);
    if (request.method === 'GET') {
      if (list) unread.clear();
      else if (machine !== undefined) unread.delete(machine);
      continue;
    }
    // Creates of machines in different regions are different writes.
    const region = (request.body as { region?: unknown } | undefined)?.region;
    const key =
      request.method !== 'POST' ? undefined : list ? `create in ${String(region)}` : machine;
    if (key === undefined) continue;
    const previous = unread.get(key);
    if (previous !== undefined && previous !== 429) {
      const what = list ? `machine ${key}` : `update of ${key}`;
      problems.push(`${what} repeated after a ${previous} without reading first`);
    }
    // A create answered 2xx named the machine it made: another create in that region is
    // another machine (blue-green destroys every machine of a region), judged by the count.
    if (list && request.status >= 200 && request.status < 300) unread.delete(key);
    else unread.set(key, request.status);
  }
  return problems;
}

/** `count` lanes per strategy, one strategy after the other (each lane boots machines); the
 * first lanes of a strategy take the `shapes` given for it, the others are plain. */
export async function startFlyLanes(
  count: Readonly<Record<FlyStrategy, number>>,
  shapes: Partial<Record<FlyStrategy, readonly FlyShape[]>> = {},
): Promise<FlyLane[]> {
  const lanes: FlyLane[] = [];
  for (const [strategy, n] of Object.entries(count) as Array<[FlyStrategy, number]>) {
    const started = Array.from({ length: n }, (_, index) =>
      startFlyLane({ strategy, shape: shapes[strategy]?.[index] ?? 'plain' }),
    );
    lanes.push(...(await Promise.all(started)));
  }
  return lanes;
}
