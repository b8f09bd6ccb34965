// The Heroku lane of the fault harness: one simulator, one app with a live release, a git
// checkout to ship from, and the call sites of a Heroku deploy where faults are armed.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHerokuPlatform, type HerokuDeps } from '../../src/platforms/heroku/heroku.js';
import { ROLLBACK_ATTEMPTS } from '../../src/flow/recover.js';
import type { Simulator } from '../../sim/index.js';
import type { RecordedRequest } from '../../sim/types.js';
import { faultShape } from './fault-kinds.js';
import {
  caseReport,
  type CaseReport,
  type CaseSpec,
  checkInvariant,
  flowDeps,
  type Lane,
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

const HEROKU_TOKEN = 'hk-faults-token';
const GITHUB_TOKEN = 'ghs_faultsToken';
const RUNNER = 'GitHub Actions 3';
/** A build, its release and the router switch take well under this on the simulator. */
const SETTLE_MS = 20_000;

type Target = 'heroku' | 'github' | 'router';

function herokuCallSites(app: string): Array<SiteOf<Target>> {
  const appPath = `/apps/${app}`;
  const site = (name: string, method: string, pattern: string, afterPush: boolean) =>
    callSite<Target>(name, 'heroku', method, pattern, afterPush);
  return [
    GITHUB_JOBS_SITE,
    site('GET app', 'GET', appPath, false),
    site('preboot feature', 'GET', `${appPath}/features/preboot`, false),
    site('releases list', 'GET', `${appPath}/releases`, true),
    site('POST sources', 'POST', '/sources', false),
    site('blob PUT', 'PUT', '/blobs/[0-9a-f-]+', false),
    site('POST builds', 'POST', `${appPath}/builds`, false),
    site('build poll', 'GET', `${appPath}/builds/[^/]+`, false),
    site('output stream', 'GET', '/streams/builds/[^/]+', false),
    site('release poll', 'GET', `${appPath}/releases/[^/]+`, false),
    site('rollback', 'POST', `${appPath}/releases`, true),
    site('dynos', 'GET', `${appPath}/dynos`, true),
    callSite<Target>('health', 'router', 'GET', '/health', true),
    site('builds list', 'GET', `${appPath}/builds`, true),
  ];
}

/** Writes repeated without the platform saying it did not act (429), or without reading
 * what is live in between, would do the work twice. */
export function blindRepeats(requests: readonly RecordedRequest[], app: string): string[] {
  const problems: string[] = [];
  const writes: Array<{ name: string; path: RegExp; check?: RegExp }> = [
    { name: 'POST /sources', path: /^\/sources$/ },
    // The builds list names the upload each build was made from (build `source_blob.url`).
    {
      name: 'POST builds',
      path: new RegExp(`^/apps/${app}/builds$`),
      check: new RegExp(`^/apps/${app}/builds$`),
    },
    {
      name: 'rollback',
      path: new RegExp(`^/apps/${app}/releases$`),
      check: new RegExp(`^/apps/${app}/releases(\\?|$)`),
    },
  ];
  for (const write of writes) {
    let previous: RecordedRequest | undefined;
    let readSince = false;
    for (const request of requests) {
      const pathname = request.path.split('?')[0] ?? '';
      if (request.method === 'GET' && write.check?.test(pathname)) readSince = true;
      if (request.method !== 'POST' || !write.path.test(pathname)) continue;
      if (previous !== undefined && previous.status !== 429 && !readSince) {
        problems.push(`${write.name} repeated after a ${previous.status} without reading first`);
      }
      previous = request;
      readSince = false;
    }
  }
  return problems;
}

/** Faults enough to fail every rollback attempt: each attempt makes one rollback POST
 * (not repeated on a 5xx, a reset or a lost answer) and, after the first, reads the live
 * release (retried RETRY.attempts times). */
function rollbackExhausted(spec: CaseSpec): boolean {
  const armed = (site: string): number =>
    spec.faults.filter((f) => f.site === site).reduce((sum, f) => sum + f.times, 0);
  return armed('rollback') + armed('releases list') >= ROLLBACK_ATTEMPTS;
}

let laneCounter = 0;

export async function startHerokuLane(): Promise<Lane & { readonly sim: Simulator }> {
  laneCounter += 1;
  const name = `faults-${laneCounter}`;
  const app = `lane-${laneCounter}-app`;
  const base = await startLaneBase({
    simulator: { herokuToken: HEROKU_TOKEN },
    githubToken: GITHUB_TOKEN,
    runner: RUNNER,
    runId: 7000 + laneCounter,
    async seed(sim, checkout) {
      await sim.heroku.createApp(app);
      await checkout.commit({ version: `${name}-initial` });
      await sim.heroku.seedRelease(app, checkout.dir);
    },
  });
  const { sim, checkout } = base;
  let temp: string;
  try {
    temp = await mkdtemp(path.join(os.tmpdir(), 'gd-faults-lane-'));
  } catch (error) {
    await base.close();
    throw error;
  }
  const webUrl = sim.heroku.state(app).webUrl;
  const sites = herokuCallSites(app);
  const herokuDeps: Partial<HerokuDeps> = {
    ...base.clientDeps,
    buildTimeoutMs: SETTLE_MS,
    releaseTimeoutMs: SETTLE_MS,
    tempRoot: temp,
  };

  const hooks = (target: Target) =>
    target === 'github'
      ? sim.github
      : target === 'router'
        ? sim.heroku.routerFaults(app)
        : sim.heroku;

  const readTruth = async (before: Truth | undefined): Promise<Truth> => {
    const state = sim.heroku.state(app);
    const current = state.releases.find((release) => release.current);
    if (!current) throw new Error(`${app} has no current release`);
    const [version, health] = await Promise.all([
      fetchText(new URL('/version', webUrl).href),
      fetchText(new URL('/health', webUrl).href),
    ]);
    return {
      release: { id: current.id, label: `v${current.version}` },
      code: version.status === 200 ? version.text : '',
      healthy: health.status === 200,
      restoresBefore:
        before !== undefined && current.description === `Rollback to ${before.release.label}`,
    };
  };

  /** A dyno of the app has yet to bind its port (the router holds requests meanwhile). */
  const booting = (): boolean =>
    sim.heroku.state(app).dynos.some((dyno) => dyno.state === 'starting');

  /** Waits (bounded) until no build or release is pending, the current one has switched the
   * router, no dyno is booting and the router answers, so a build the run lost track of has released before the truth is read. */
  const settle = async (): Promise<void> => {
    const deadline = Date.now() + SETTLE_MS;
    while (Date.now() < deadline) {
      const state = sim.heroku.state(app);
      const busy =
        state.builds.some((build) => build.status === 'pending') ||
        state.releases.some((release) => release.status === 'pending') ||
        state.releases.some((release) => release.current && release.liveAt === undefined) ||
        booting();
      if (!busy && (await fetchText(new URL('/version', webUrl).href)).status === 200) return;
      await sleep(50);
    }
  };

  let caseCounter = 0;
  return {
    platform: 'heroku',
    callSites: sites,
    sim,
    async runCase(spec: CaseSpec): Promise<CaseReport> {
      const startedAt = Date.now();
      caseCounter += 1;
      const before = await readTruth(undefined);
      const buildsBefore = sim.heroku.state(app).builds.length;
      const newCode = `${name}-case-${caseCounter}`;
      const sha = await checkout.commit(releaseConfig(newCode, spec.release));
      const firstRequest = sim.requests.length;
      for (const planned of spec.faults) {
        const found = sites.find((candidate) => candidate.name === planned.site);
        if (!found) throw new Error(`no call site named ${planned.site}`);
        hooks(found.target).inject({
          method: found.method,
          path: found.path,
          times: planned.times,
          ...faultShape(planned.kind),
        });
      }
      const settings = base.settings({
        platform: 'heroku',
        app,
        apiUrl: sim.herokuApiUrl,
        apiToken: HEROKU_TOKEN,
        sha,
      });
      const deps = flowDeps((given) => createHerokuPlatform(given, herokuDeps), booting);
      const flow = await runFlow(settings, deps).finally(() => {
        for (const target of ['heroku', 'github', 'router'] as const) hooks(target).clear();
      });
      await settle();
      const after = await readTruth(before);
      const requests = sim.requests
        .slice(firstRequest)
        .filter((request) => request.api !== 'github');
      const violations = [
        ...checkInvariant({
          ...flow,
          before,
          after,
          newCode,
          release: spec.release,
          rollbackExhausted: rollbackExhausted(spec),
        }),
        ...blindRepeats(requests, app),
      ];
      const builds = sim.heroku.state(app).builds.length - buildsBefore;
      if (builds > 1) violations.push(`${builds} builds were created for one deploy`);
      if (!after.healthy) {
        // Only after an accepted "THE APP MAY BE DOWN" (or a violation): the next case must
        // start from a healthy live release again.
        await checkout.commit({ version: `${newCode}-repaired` });
        await sim.heroku.seedRelease(app, checkout.dir, { description: 'Repair' });
        await settle();
      }
      return caseReport({ spec, flow, before, after, newCode, violations, startedAt });
    },
    async close() {
      await base.close();
      await rm(temp, { recursive: true, force: true });
    },
  };
}
