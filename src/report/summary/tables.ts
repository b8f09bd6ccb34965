// The reference tables: releases before and after, the test gate's jobs, the instances.
import type { RunRecord } from '../../flow/run-record.js';
import type { Release } from '../../platforms/platform.js';
import { releaseImage } from '../release-words.js';
import { link, table } from './markdown.js';

// Where people look at releases by hand.
const DASHBOARD: Record<string, (app: string) => string> = {
  heroku: (app) => `https://dashboard.heroku.com/apps/${app}/activity`,
  fly: (app) => `https://fly.io/apps/${app}/monitoring`,
};

function liveNow(record: RunRecord): Release | undefined {
  switch (record.result) {
    case 'deployed':
      return record.release;
    case 'rolled-back':
      return record.rollbackRelease;
    case 'refused':
    case 'verified':
    case 'planned':
      return record.previous;
    default:
      // Nothing was released and nothing needs recovering: the release before still serves.
      return record.release === undefined &&
        record.rollbackRelease === undefined &&
        record.recovery === undefined
        ? record.previous
        : undefined;
  }
}

/** A Heroku rollback is a new release with the old one's slug and config: say whose. */
function copyOf(record: RunRecord): string {
  const { previous, rollbackRelease } = record;
  if (record.result !== 'rolled-back' || previous === undefined) return '';
  if (rollbackRelease === undefined || rollbackRelease.id === previous.id) return '';
  if (record.platform === 'fly') return '';
  return `, a copy of ${previous.label}`;
}

export function releaseBlocks(record: RunRecord): string[] {
  const { previous, release, rollbackRelease } = record;
  if ([previous, release, rollbackRelease].every((known) => known === undefined)) return [];
  const live = liveNow(record);
  // Fly names a release by what its machines run: the image gets its own column.
  const fly = record.platform === 'fly';
  const row = (label: string, entry: Release | undefined, note = ''): string[] => {
    const name = entry === undefined ? '-' : `${entry.label}${note}`;
    if (!fly) return [label, name];
    return [
      label,
      name,
      entry === undefined || !entry.id.includes(':') ? '-' : releaseImage(entry),
    ];
  };
  const rows = [
    row('before', previous),
    release === undefined && record.neverLive !== undefined
      ? row('this deploy', record.neverLive, ', never live')
      : row('this deploy', release),
    row('rollback', rollbackRelease),
    live === undefined
      ? ['live now', record.appState ?? 'unknown', ...(fly ? ['-'] : [])]
      : row('live now', live, copyOf(record)),
  ];
  const dashboard = DASHBOARD[record.platform];
  return [
    '### Releases' +
      (dashboard === undefined
        ? ''
        : ` (${link('dashboard', dashboard(encodeURIComponent(record.app)))})`),
    fly ? table(['', 'release', 'machines run'], rows) : transpose(rows),
  ];
}

/** Label and value rows as one table row under a header of the labels. */
function transpose(rows: readonly string[][]): string {
  return table(
    rows.map((entry) => entry[0] ?? ''),
    [rows.map((entry) => entry[1] ?? '')],
  );
}

function gateVerdict(ok: boolean, note: string): string {
  if (!ok) return `✗ ${note === '' ? 'refused' : note}`;
  return `✓ ${note === '' ? 'ok' : note}`;
}

export function gateBlocks(record: RunRecord): string[] {
  const gate = record.gate;
  if (gate === undefined) return [];
  return [
    '### Test gate',
    table(
      ['job', 'status', 'conclusion', 'required', 'verdict'],
      gate.rows.map((row) => [
        row.name,
        row.status,
        row.conclusion ?? '-',
        row.required ? 'yes' : 'no',
        gateVerdict(row.ok, row.note),
      ]),
    ),
  ];
}

export function instanceBlocks(record: RunRecord): string[] {
  const blocks: string[] = [];
  for (const [label, report] of [
    ['new release', record.instances],
    ['after the rollback', record.rollbackInstances],
  ] as const) {
    if (report === undefined || report.instances.length === 0) continue;
    // The platform's view, apart from the health check: a release can run as the platform
    // expects and still fail its check, and a bare "ok" under a failed check read as a
    // contradiction.
    const verdict = report.ok ? '✓ as expected' : '✗ NOT as expected';
    blocks.push(`### Instances, ${label} (the platform's view): ${verdict}`);
    blocks.push(
      table(
        ['instance', 'region', 'runs', 'state', 'checks', 'ok'],
        report.instances.map((instance) => [
          instance.id,
          instance.region,
          instance.image,
          instance.state,
          instance.checks,
          instance.ok ? '✓' : '✗',
        ]),
      ),
    );
  }
  return blocks;
}
