// What the run did, phase by phase, one line each; long output lives in the folds below.
import type { RunRecord } from '../../flow/run-record.js';
import { NBSP, seconds, table } from './markdown.js';

const OUTCOME: Record<string, string> = {
  ok: '✓ ok',
  failed: '✗ failed',
  refused: '✗ refused',
  skipped: '– skipped',
};

/** A failed phase's detail that the cause already says in full (the cause may open with
 * its own words, as "New release v4 is unhealthy: <the verify phase's detail>"). */
function sameAsCause(detail: string, cause: string | undefined): boolean {
  const first = detail.split(/\r?\n/, 1)[0] ?? '';
  return first !== '' && cause !== undefined && cause.includes(first);
}

export function timeline(record: RunRecord): string[] {
  if (record.phases.length === 0) return [];
  return [
    '### Timeline',
    table(
      ['phase', 'start', 'took', 'outcome', 'detail'],
      record.phases.map((entry) => [
        // A phase's name on one line ("live commit", "verify rollback"), as the times are.
        entry.name.replace(/ /g, NBSP),
        `+${seconds(entry.startMs)}`,
        seconds(entry.durationMs),
        OUTCOME[entry.outcome] ?? entry.outcome,
        entry.outcome !== 'ok' && sameAsCause(entry.detail, record.cause)
          ? 'the cause above'
          : entry.detail,
      ]),
    ),
  ];
}
