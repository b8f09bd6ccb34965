// Turns the run record into the job summary (markdown) and the step outputs.
import * as core from '@actions/core';
import { Output } from '../settings/names.js';
import type { PollRecord } from '../verify/probe.js';
import type { RunRecord } from '../flow/run-record.js';

const HEADLINE: Record<string, string> = {
  deployed: 'DEPLOYED',
  'rolled-back': 'FAILED, ROLLED BACK',
  refused: 'REFUSED',
  failed: 'FAILED',
  verified: 'HEALTHY',
};

// Where people look at releases by hand.
const DASHBOARD: Record<string, (app: string) => string> = {
  heroku: (app) => `https://dashboard.heroku.com/apps/${app}/activity`,
  fly: (app) => `https://fly.io/apps/${app}/monitoring`,
};

function headline(record: RunRecord, result: string): string {
  if (record.mode === 'rollback' && result === 'rolled-back') return 'ROLLED BACK (manual)';
  if (record.mode === 'post') return `INTERRUPTED DEPLOY: ${HEADLINE[result] ?? result}`;
  return HEADLINE[result] ?? result;
}

/** The value at quantile q (0..1) of sorted numbers, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? NaN;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

interface HealthRowData {
  readonly verdict: string;
  readonly polls: readonly PollRecord[];
  readonly elapsedMs: number;
}

function healthRow(label: string, report: HealthRowData): string[] {
  const latencies = report.polls.map((poll) => poll.latencyMs).sort((a, b) => a - b);
  const passed = report.polls.filter((poll) => poll.pass).length;
  return [
    label,
    report.verdict,
    String(report.polls.length),
    String(passed),
    String(report.polls.length - passed),
    `${Math.round(quantile(latencies, 0.5))} ms`,
    `${Math.round(quantile(latencies, 0.95))} ms`,
    seconds(report.elapsedMs),
  ];
}

/** The job summary, markdown; written on every path. */
export function renderSummary(record: RunRecord): string {
  const result = record.result ?? 'failed';
  const parts: string[] = [];
  parts.push(`## guarded-deploy: ${headline(record, result)}`);
  parts.push(
    `**${record.platform}** app \`${record.app}\` — mode \`${record.mode}\`, ` +
      `result \`${result}\`` +
      (record.cause === undefined ? '' : `\n\n**Cause:** ${record.cause}`) +
      (record.appState === undefined ? '' : `\n\n**App state:** ${record.appState}`),
  );
  if (record.recovery !== undefined) {
    parts.push(`**Recover by hand:**\n\n\`\`\`sh\n${record.recovery}\n\`\`\``);
  }
  for (const notice of record.notices) parts.push(`> ${notice}`);

  parts.push('### Timeline');
  parts.push(
    table(
      ['phase', 'start', 'duration', 'outcome', 'detail'],
      record.phases.map((entry) => [
        entry.name,
        `+${seconds(entry.startMs)}`,
        seconds(entry.durationMs),
        entry.outcome,
        entry.detail,
      ]),
    ),
  );

  parts.push('### Releases');
  const dashboard = DASHBOARD[record.platform];
  if (dashboard !== undefined) {
    parts.push(`Dashboard: ${dashboard(encodeURIComponent(record.app))}`);
  }
  parts.push(
    table(
      ['before', 'deployed', 'rolled back with', 'live now'],
      [
        [
          record.previous?.label ?? '-',
          record.release?.label ?? '-',
          record.rollbackRelease?.label ?? '-',
          liveNow(record),
        ],
      ],
    ),
  );

  if (record.gate !== undefined) {
    parts.push('### Test gate');
    parts.push(
      table(
        ['job', 'status', 'conclusion', 'required', 'verdict'],
        record.gate.rows.map((row) => [
          row.name,
          row.status,
          row.conclusion ?? '-',
          row.required ? 'yes' : 'no',
          (row.ok ? 'ok' : 'REFUSED') +
            (row.note === '' || row.note === 'ok' ? '' : ` (${row.note})`),
        ]),
      ),
    );
    if (record.gate.problems.length > 0) {
      parts.push(record.gate.problems.map((problem) => `- ${problem}`).join('\n'));
    }
  }

  const healthRows: string[][] = [];
  const { baseline } = record;
  if (baseline !== undefined) {
    const verdict = baseline.passes === baseline.polls.length ? 'passed' : 'failed';
    healthRows.push(healthRow('live before (baseline)', { ...baseline, verdict }));
  }
  if (record.health !== undefined) {
    const verdict = record.verdict ?? record.health.verdict;
    healthRows.push(healthRow('new release', { ...record.health, verdict }));
  }
  if (record.rollbackHealth !== undefined) {
    healthRows.push(healthRow('after rollback', record.rollbackHealth));
  }
  if (healthRows.length > 0) {
    parts.push(`### Health of \`${record.healthUrl ?? '-'}\``);
    parts.push(
      table(['check', 'verdict', 'polls', 'passed', 'failed', 'p50', 'p95', 'took'], healthRows),
    );
  }
  if (record.appLogs !== undefined && record.appLogs.length > 0) {
    parts.push(`### Last ${record.appLogs.length} log lines of the new release`);
    parts.push(
      ['```text', ...record.appLogs.map((line) => line.replaceAll('```', "'''")), '```'].join('\n'),
    );
  }
  for (const [label, report] of [
    ['new release', record.instances],
    ['after rollback', record.rollbackInstances],
  ] as const) {
    if (report === undefined || report.instances.length === 0) continue;
    parts.push(`### Instances (${label}): ${report.ok ? 'ok' : 'NOT OK'}`);
    parts.push(
      table(
        ['instance', 'region', 'image', 'state', 'checks', 'ok'],
        report.instances.map((instance) => [
          instance.id,
          instance.region,
          instance.image,
          instance.state,
          instance.checks,
          instance.ok ? 'ok' : 'NO',
        ]),
      ),
    );
  }
  return `${parts.join('\n\n')}\n`;
}

function liveNow(record: RunRecord): string {
  switch (record.result) {
    case 'deployed':
      return record.release?.label ?? '-';
    case 'rolled-back':
      return `${record.rollbackRelease?.label ?? '-'} (= ${record.previous?.label ?? '-'})`;
    case 'refused':
    case 'verified':
      return record.previous?.label ?? 'unchanged';
    default:
      return record.appState ?? 'unknown';
  }
}

/** Sets every output; called on every path, so refusals and crashes have them too. */
export function writeOutputs(record: RunRecord): void {
  core.setOutput(Output.Result, record.result ?? 'failed');
  core.setOutput(Output.Release, record.release?.label ?? '');
  core.setOutput(Output.PreviousRelease, record.previous?.label ?? '');
  core.setOutput(Output.RolledBack, String(record.rolledBack));
  core.setOutput(Output.HealthUrl, record.healthUrl ?? '');
  core.setOutput(Output.Verdict, record.verdict ?? '');
}
