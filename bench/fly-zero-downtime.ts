// Measure 6, Fly.io half: steady traffic (autocannon, 127.0.0.1, bounded) on the app's public
// proxy through a deploy by the action and through a rollback by the action, with flyctl's
// bluegreen strategy and, for contrast, the rolling one.
import type { AppConfig } from '../sim/app-repo.js';
import { startFlyScenario } from '../sim/fly-scenario.js';
import type { FlyScenario } from '../sim/fly-scenario.js';
import type { ScenarioRunOptions } from '../sim/scenario.js';
import { describeErrors, LOAD, loadRows, underLoad } from './load.js';
import type { LoadSample } from './load.js';
import type { Section } from './section.js';
import type { BenchResult } from './stats.js';

const RUNS = 5;
const RUN_TIMEOUT_MS = 60_000;

/** Every deploy asks for this in the health body, as a user's `check-string` would. */
const CHECK_STRING = '"status":"ok"';
/** Bluegreen's broken release: flyctl accepts it (Fly's machine checks look at the status
 * only), the action must roll it back: /health answers 200 with a body that says it is not
 * fine. (A /health 500 release never gets switched to, so there is nothing to roll back.) */
const BROKEN_BODY = '{"status":"degraded"}';
/** The action's unhealthy verdict takes this long (no N passes in a row within it). */
const BROKEN_HEALTH_TIMEOUT_S = '2';

interface RollbackCase {
  readonly config: (index: number) => AppConfig;
  readonly inputs: Readonly<Record<string, string>>;
  readonly extraEnv: Readonly<Record<string, string>>;
}

// `/` answers 200 on every machine of every release, so an error under load is the deploy's
// or the rollback's, never the app's.
const ROLLBACK_CASES = {
  bluegreen: {
    config: (index) => ({ version: `degraded-${index}`, healthBody: BROKEN_BODY }),
    inputs: { 'health-timeout': BROKEN_HEALTH_TIMEOUT_S },
    extraEnv: {},
  },
  // flyctl failing midway (the stand-in's knob for machine-by-machine updates): the quickest
  // way to a rollback by the action, which keeps the whole bench under its time budget.
  rolling: {
    config: (index) => ({ version: `half-${index}` }),
    inputs: {},
    extraEnv: { FLY_SIM_FAIL_AFTER_MACHINES: '1' },
  },
} as const satisfies Record<string, RollbackCase>;
const STRATEGIES = ['bluegreen', 'rolling'] as const;
type Strategy = (typeof STRATEGIES)[number];

async function deployExpecting(
  scenario: FlyScenario,
  config: AppConfig,
  expected: string,
  inputs: Readonly<Record<string, string>> = {},
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<void> {
  const options: ScenarioRunOptions = { extraEnv, timeoutMs: RUN_TIMEOUT_MS };
  const result = await scenario.deploy(
    config,
    { 'check-string': CHECK_STRING, ...inputs },
    undefined,
    options,
  );
  if (result.outputs.result !== expected) {
    const last = result.stdout.trim().split('\n').slice(-5).join('\n');
    throw new Error(
      `fly ${config.version ?? ''}: expected ${expected}, got ` +
        `${JSON.stringify(result.outputs)} (exit ${String(result.exitCode)})\n${last}`,
    );
  }
}

/** Every machine answers `version` itself: the rollback really put the old release back. */
async function expectLive(scenario: FlyScenario, version: string): Promise<void> {
  const live = await scenario.liveVersions();
  if (live.length === 0 || live.some((answer) => answer !== version)) {
    throw new Error(`fly machines answer ${JSON.stringify(live)}, expected all on ${version}`);
  }
}

interface StrategyResult {
  readonly rows: BenchResult[];
  /** One line per phase on what its errors were. */
  readonly errorLines: string[];
}

async function measureStrategy(strategy: Strategy): Promise<StrategyResult> {
  const rollback: RollbackCase = ROLLBACK_CASES[strategy];
  const scenario = await startFlyScenario({ app: `bench-fly-${strategy}`, strategy });
  const deploys: LoadSample[] = [];
  const rollbacks: LoadSample[] = [];
  try {
    for (let index = 0; index < RUNS; index += 1) {
      const healthy = `load-${index}`;
      deploys.push(
        await underLoad(scenario.publicUrl, () =>
          deployExpecting(scenario, { version: healthy }, 'deployed'),
        ),
      );
      rollbacks.push(
        await underLoad(scenario.publicUrl, () =>
          deployExpecting(
            scenario,
            rollback.config(index),
            'rolled-back',
            rollback.inputs,
            rollback.extraEnv,
          ),
        ),
      );
      await expectLive(scenario, healthy);
    }
  } finally {
    await scenario.close();
  }
  // Zero errors is the goal with bluegreen only; rolling restarts machines in place.
  const goal = strategy === 'bluegreen' ? ({ op: '<=', value: 0, on: 'max' } as const) : undefined;
  return {
    rows: [
      ...loadRows(`zero downtime, fly ${strategy}, deploy`, deploys, goal),
      ...loadRows(`zero downtime, fly ${strategy}, rollback`, rollbacks, goal),
    ],
    errorLines: [
      `  ${strategy} deploy: ${describeErrors(deploys)};`,
      `  ${strategy} rollback: ${describeErrors(rollbacks)}.`,
    ],
  };
}

export async function measureFlyZeroDowntime(): Promise<Section> {
  const measured: StrategyResult[] = [];
  for (const strategy of STRATEGIES) measured.push(await measureStrategy(strategy));
  return {
    title: '6b. Zero downtime during deploy and rollback, Fly.io',
    results: measured.flatMap((strategy) => strategy.rows),
    notes: [
      `Load: autocannon, ${LOAD.connections} connections back to back, GET / on the app's ` +
        'public proxy (3 machines in ams + fra, default Machines API rate limits).',
      'Deploy = the action, healthy release. Rollback = the action deploying and rolling back ' +
        'itself (then every machine',
      'is checked to answer the old version): bluegreen, a release whose /health says ' +
        `${BROKEN_BODY} (check-string ${CHECK_STRING});`,
      'rolling, flyctl failing after 1 of 3 machines (FLY_SIM_FAIL_AFTER_MACHINES=1). ' +
        'Errors by kind:',
      ...measured.flatMap((strategy) => strategy.errorLines),
    ],
  };
}
