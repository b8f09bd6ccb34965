// Long output folded away: each tail in a <details> block with a fence it cannot close.
import type { RunRecord } from '../../flow/run-record.js';
import { details, fenced } from './markdown.js';

export function logBlocks(record: RunRecord): string[] {
  return record.logs
    .filter((tail) => tail.lines.length > 0)
    .map((tail) =>
      details(
        `${tail.title} (last ${tail.lines.length} line${tail.lines.length === 1 ? '' : 's'})`,
        fenced(tail.lines),
      ),
    );
}
