// `mode: plan`: what a deploy would do, without doing it. The gate, the snapshot, one poll of
// the live release, what would be shipped, the rollback target and the settings in force.
// Nothing is written to the platform: only reads.
import * as core from '@actions/core';
import { type FlowDeps, passGate, takeSnapshot, verifyContext } from './deploy.js';
import type { Settings } from '../settings/inputs.js';
import type { Snapshot } from '../platforms/platform.js';
import { formatStatusRanges, judgePoll } from '../verify/health.js';
import { phase, type RunRecord } from './run-record.js';
import { measureSource } from './plan-source.js';
import { lockRow } from './plan-lock.js';
import { formatBytes } from '../platforms/heroku/parse.js';

const BASELINE_TIMEOUT_MS = 10_000;

/** One line of the plan: what, and its value. */
export type PlanRow = readonly [string, string];

/** What would be shipped: the image, or the commit's files under `source-dir`. */
async function shippedRows(settings: Settings): Promise<PlanRow[]> {
  const commit: PlanRow = ['commit', settings.run.sha];
  const image = settings.fly?.image;
  if (image !== undefined) return [commit, ['image', `${image} (no build)`]];
  const size = await measureSource(settings.sourceDir, settings.run.sha);
  const where = settings.sourceDir === '' ? '.' : settings.sourceDir;
  const rows: PlanRow[] = [
    commit,
    ['source', `${size.files} files, ${formatBytes(size.bytes)} from ${where}`],
  ];
  if (settings.fly !== undefined) rows.push(['fly-config', settings.fly.flyConfig]);
  return rows;
}

/** The settings a deploy would run with. */
export function settingsRows(settings: Settings, healthUrl: string): PlanRow[] {
  const { health } = settings;
  const rows: PlanRow[] = [
    ['health-url', healthUrl],
    ['expected-status', formatStatusRanges(health.criteria.expectedStatus)],
    [
      'check-string',
      health.criteria.checkString === '' ? '(any body)' : health.criteria.checkString,
    ],
    [
      'health',
      `${health.threshold} passing polls, every ${health.intervalMs / 1000} s, ` +
        `within ${health.timeoutMs / 1000} s`,
    ],
    ['rollback', settings.rollback ? 'automatic' : 'off'],
    [
      'require-jobs',
      settings.requireJobs.length === 0 ? '(none)' : settings.requireJobs.join(', '),
    ],
    ['environment', settings.environment ?? '(no GitHub deployment)'],
  ];
  if (health.version !== undefined) {
    rows.push(['version-url', `${health.version.url} shows ${health.version.expected}`]);
  }
  if (settings.fly !== undefined && settings.fly.flyctlArgs.length > 0) {
    rows.push(['flyctl-args', settings.fly.flyctlArgs.join(' ')]);
  }
  return rows;
}

/** One poll of the live release, the baseline a deploy's verdict would be compared with. */
async function baselineRow(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
  snapshot: Snapshot,
  healthUrl: string,
): Promise<PlanRow> {
  return phase(record, 'baseline', deps.now, async (done) => {
    const poll = await deps.probe.poll(healthUrl, BASELINE_TIMEOUT_MS);
    const judged = judgePoll(poll, settings.health.criteria);
    const answer = poll.status === null ? 'no answer' : `HTTP ${poll.status}`;
    const words = `${answer} in ${Math.round(poll.latencyMs)} ms, ${judged.pass ? 'passes' : judged.reason}`;
    done(judged.pass ? 'ok' : 'failed', words);
    return ['live now', `${snapshot.current.label}: ${words}`] as const;
  });
}

/** `mode: plan`. Fills `record` with `result: planned` and the plan; changes nothing. */
export async function runPlanMode(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
): Promise<void> {
  if (!(await passGate(settings, deps, record))) return;
  const platform = deps.createPlatform(settings);
  try {
    const snapshot = await takeSnapshot(platform, record, deps);
    const context = verifyContext(settings, platform, snapshot, deps);
    record.healthUrl = context.healthUrl;
    const baseline = await baselineRow(settings, deps, record, snapshot, context.healthUrl);
    const lock = await lockRow(platform, settings, deps, record);
    const shipped = await phase(record, 'what ships', deps.now, async (done) => {
      const rows = await shippedRows(settings);
      done('ok', rows.map(([, value]) => value).join('; '));
      return rows;
    });
    const rows: PlanRow[] = [
      baseline,
      lock,
      ...shipped,
      ['rollback target', snapshot.restore.target.label],
      ...settingsRows(settings, context.healthUrl),
    ];
    record.plan = rows;
    for (const [what, value] of rows) core.info(`plan: ${what}: ${value}`);
    record.result = 'planned';
    record.appState = 'nothing was changed: this was a plan';
  } finally {
    await platform.close();
  }
}
