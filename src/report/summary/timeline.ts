// What the run did, phase by phase, one line each; long output lives in the folds below.
import type { RunRecord } from '../../flow/run-record.js';
import { seconds, table } from './markdown.js';

const OUTCOME: Record<string, string> = {
  ok: '✓ ok',
  failed: '✗ failed',
  refused: '✗ refused',
  skipped: '– skipped',
};

export function timeline(record: RunRecord): string[] {
  if (record.phases.length === 0) return [];
  return [
    '### Timeline',
    table(
      ['phase', 'start', 'took', 'outcome', 'detail'],
      record.phases.map((entry) => [
        entry.name,
        `+${seconds(entry.startMs)}`,
        seconds(entry.durationMs),
        OUTCOME[entry.outcome] ?? entry.outcome,
        entry.detail,
      ]),
    ),
  ];
}
