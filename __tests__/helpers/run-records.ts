// Run records as the flow leaves them at the end of each kind of run, for summary tests that
// need no processes: the data of the demo's stories, with fixed times.
import { newRunRecord, type PhaseRecord, type RunRecord } from '../../src/flow/run-record.js';
import type { GateVerdict } from '../../src/gate/gate.js';
import type { HealthReport, PollRecord } from '../../src/verify/probe.js';

export const FLY_IMAGE = `registry.fly.io/demo-fly@sha256:${'1b61dff00c17'.padEnd(64, 'a')}`;
export const FLYCTL_ERROR =
  'Error: failed to update machine 7a96f835023cd5: failed_precondition: unable to update ' +
  'machine configuration';
export const FLYCTL_OUTPUT = [
  '==> Pushing image to fly',
  "Updating existing machines in 'demo-fly' with rolling strategy",
  '  [1/3] Machine b9f4a83eedf22c [app] Updating',
  ' ✔ [1/3] Machine b9f4a83eedf22c [app] update finished: success',
  FLYCTL_ERROR,
];
export const HEALTH_BODY = '{"status":"error","error":"database unreachable: ECONNREFUSED"}';
export const MIGRATION_ERROR = 'migration 42 failed: column "email" already exists';

const passedGate: GateVerdict = {
  pass: true,
  rows: [
    {
      name: 'test',
      status: 'completed',
      conclusion: 'success',
      required: true,
      ok: true,
      note: 'ok',
    },
    {
      name: 'deploy',
      status: 'in_progress',
      conclusion: null,
      required: false,
      ok: true,
      note: 'this deploy job (not judged)',
    },
  ],
  problems: [],
};

function phases(...entries: [string, number, PhaseRecord['outcome'], string][]): PhaseRecord[] {
  let startMs = 0;
  return entries.map(([name, durationMs, outcome, detail]) => {
    const entry = { name, startMs, durationMs, outcome, detail };
    startMs += durationMs;
    return entry;
  });
}

/** Polls in order: `p` passed, `f` failed with an answer, `x` no answer. */
export function polls(shape: string, body = '{"status":"ok"}'): PollRecord[] {
  return [...shape].map((kind, index) => ({
    at: index * 200,
    status: kind === 'x' ? null : kind === 'p' ? 200 : 500,
    body: kind === 'f' ? HEALTH_BODY : kind === 'p' ? body : '',
    latencyMs: 3 + index,
    pass: kind === 'p',
    reason:
      kind === 'p' ? 'ok' : kind === 'f' ? 'status 500 not in 200-299' : 'connect ECONNREFUSED',
  }));
}

function health(shape: string, reason: string): HealthReport {
  return {
    verdict: shape.endsWith('ppp') ? 'healthy' : 'unhealthy',
    polls: polls(shape),
    reason,
    elapsedMs: shape.length * 200,
  };
}

function heroku(): RunRecord {
  const record = newRunRecord('heroku', 'demo-shop', new Date(0));
  record.gate = passedGate;
  record.healthUrl = 'https://demo-shop.herokuapp.com/health';
  record.previous = { id: 'rel-3', label: 'v3' };
  return record;
}

export function deployedRecord(): RunRecord {
  const record = heroku();
  record.result = 'deployed';
  record.release = { id: 'rel-4', label: 'v4' };
  record.health = health('xfppp', '3 passing polls in a row after 1.0 s (5 polls, 3 passed)');
  record.phases = phases(
    ['gate', 100, 'ok', '2 jobs listed'],
    ['snapshot', 100, 'ok', 'live: v3'],
    ['push', 12_000, 'ok', 'released v4'],
    ['verify', 1000, 'ok', '3 passing polls in a row after 1.0 s (5 polls, 3 passed)'],
  );
  return record;
}

export function rolledBackRecord(): RunRecord {
  const record = heroku();
  const unhealthy =
    'no 3 passing polls in a row within 4 s (20 polls, 0 passed, last: status 500 not in ' +
    `200-299; its body: ${HEALTH_BODY})`;
  record.result = 'rolled-back';
  record.rolledBack = true;
  record.release = { id: 'rel-4', label: 'v4' };
  record.rollbackRelease = { id: 'rel-5', label: 'v5' };
  record.cause = `New release v4 is unhealthy: ${unhealthy}; rolled back to v3, verified healthy`;
  record.appState = 'rolled back to v3 (as v5), verified healthy';
  record.health = health('f'.repeat(20), unhealthy);
  record.rollbackHealth = health('ppp', '3 passing polls in a row after 0.4 s');
  record.phases = phases(
    ['gate', 100, 'ok', '2 jobs listed'],
    ['snapshot', 100, 'ok', 'live: v3'],
    ['push', 600, 'ok', 'released v4'],
    ['verify', 4000, 'failed', unhealthy],
    ['rollback', 300, 'ok', 'attempt 1: v5 restores v3'],
    ['verify rollback', 400, 'ok', '3 passing polls in a row after 0.4 s'],
  );
  return record;
}

export function releasePhaseFailedRecord(): RunRecord {
  const record = heroku();
  const message =
    `The release phase of v4 failed (its last line: ${MIGRATION_ERROR}): v4 was never ` +
    'deployed and the previous release keeps serving.';
  record.result = 'failed';
  record.cause = message;
  record.appState = 'v3, live before the deploy, is still live; nothing changed';
  record.neverLive = { id: 'rel-4', label: 'v4' };
  record.logs.push({
    title: 'Release phase output of v4',
    lines: ['Running migrations', MIGRATION_ERROR],
  });
  record.phases = phases(
    ['gate', 100, 'ok', '2 jobs listed'],
    ['snapshot', 100, 'ok', 'live: v3'],
    ['push', 700, 'failed', message],
  );
  return record;
}

export function refusedRecord(): RunRecord {
  const record = newRunRecord('heroku', 'demo-shop', new Date(0));
  record.result = 'refused';
  record.cause = "Refused to deploy: job 'test' concluded failure";
  record.appState = 'nothing was pushed; the live release is unchanged';
  record.gate = {
    pass: false,
    rows: [
      {
        ...passedGate.rows[0]!,
        conclusion: 'failure',
        ok: false,
        note: "job 'test' concluded failure",
      },
      passedGate.rows[1]!,
    ],
    problems: ["job 'test' concluded failure"],
  };
  record.phases = phases(['gate', 50, 'refused', "job 'test' concluded failure"]);
  return record;
}

/** A rollback that could not be verified: the app may be down, the command to fix it. */
export function appDownRecord(): RunRecord {
  const record = rolledBackRecord();
  record.result = 'failed';
  record.rolledBack = false;
  record.recovery = 'heroku releases:rollback v3 --app demo-shop';
  record.appState = 'THE APP MAY BE DOWN';
  record.cause =
    'New release v4 is unhealthy: status 500; ROLLBACK TO v3 FAILED: the restored release v5 ' +
    `is unhealthy: connect ECONNREFUSED. THE APP MAY BE DOWN. Recover by hand: ${record.recovery}`;
  record.rollbackHealth = health('xxxxx', 'no answer');
  return record;
}

export function verifiedRecord(): RunRecord {
  const record = heroku();
  record.mode = 'verify';
  record.gate = undefined;
  record.result = 'verified';
  record.appState = 'v3 is live and healthy';
  record.health = health('ppp', '3 passing polls in a row after 0.6 s');
  record.phases = phases(['verify', 600, 'ok', '3 passing polls in a row after 0.6 s']);
  return record;
}

export function flyRolledBackRecord(): RunRecord {
  const record = newRunRecord('fly', 'demo-fly', new Date(0));
  const target = { id: FLY_IMAGE, label: 'v2' };
  const failure = `flyctl deploy of b9f56de33c8b failed (exit code 1): ${FLYCTL_ERROR}`;
  record.gate = passedGate;
  record.healthUrl = 'https://demo-fly.fly.dev/health';
  record.result = 'rolled-back';
  record.rolledBack = true;
  record.previous = target;
  record.rollbackRelease = target;
  record.cause = `${failure}; every machine is back on v2 (demo-fly@sha256:1b61dff00c17), verified healthy`;
  record.appState = 'every machine is back on v2 (demo-fly@sha256:1b61dff00c17), verified healthy';
  record.logs.push({ title: 'flyctl output', lines: FLYCTL_OUTPUT });
  record.rollbackHealth = health('ppp', '3 passing polls in a row after 0.4 s');
  record.phases = phases(
    ['gate', 100, 'ok', '2 jobs listed'],
    ['snapshot', 100, 'ok', 'live: v2'],
    [
      'push',
      2200,
      'failed',
      `${failure}\nMachines may have changed\nLast flyctl output:\n${FLYCTL_OUTPUT.join('\n')}`,
    ],
    ['rollback', 1200, 'ok', 'attempt 1: machines back on v2 (demo-fly@sha256:1b61dff00c17)'],
    ['verify rollback', 400, 'ok', '3 passing polls in a row after 0.4 s'],
  );
  record.rollbackInstances = {
    ok: true,
    reason: '3 machines started',
    instances: ['b9f4a83eedf22c', '7a96f835023cd5', '56b94db6b5c033'].map((id, index) => ({
      id,
      region: index === 1 ? 'fra' : 'ams',
      image: 'gd-02c9b958ba8f@sha256:1b61dff00c17',
      state: 'started',
      checks: '1/1 passing',
      ok: true,
    })),
  };
  return record;
}

/** Every kind of run, with the words its cause must quote and the output it folds. */
export const RECORDED_RUNS: readonly {
  readonly name: string;
  readonly record: () => RunRecord;
  readonly platformWords: string;
  readonly logLines: readonly string[];
}[] = [
  { name: 'deployed', record: deployedRecord, platformWords: '', logLines: [] },
  {
    name: 'rolled-back',
    record: rolledBackRecord,
    platformWords: 'database unreachable',
    logLines: [],
  },
  {
    name: 'failed-release-phase',
    record: releasePhaseFailedRecord,
    platformWords: MIGRATION_ERROR,
    logLines: ['Running migrations', MIGRATION_ERROR],
  },
  {
    name: 'refused',
    record: refusedRecord,
    platformWords: "job 'test' concluded failure",
    logLines: [],
  },
  { name: 'failed-app-down', record: appDownRecord, platformWords: 'ECONNREFUSED', logLines: [] },
  { name: 'verified', record: verifiedRecord, platformWords: '', logLines: [] },
  {
    name: 'fly-rolled-back',
    record: flyRolledBackRecord,
    platformWords: FLYCTL_ERROR,
    logLines: FLYCTL_OUTPUT,
  },
];
