// The call site × fault table printed at the end of a matrix run.
import type { FaultKind } from './fault-kinds.js';
import type { Outcome } from './harness.js';

const SHORT: Record<string, string> = {
  deployed: 'deployed',
  'rolled-back': 'rolled-back',
  'failed-untouched': 'failed-untouched',
  'failed-restored': 'failed-restored',
  refused: 'refused',
};

export interface MatrixCell {
  readonly site: string;
  readonly kind: FaultKind;
  readonly healthy: Outcome;
  /** Outcome with a broken release, for call sites reached after the push. */
  readonly broken: Outcome | undefined;
  readonly violations: number;
}

/** One row per call site, one column per fault: `healthy-release outcome / broken outcome`,
 * `!!` marking a cell whose invariant broke. */
export function renderMatrix(
  sites: readonly string[],
  kinds: readonly FaultKind[],
  cells: readonly MatrixCell[],
): string {
  const text = (cell: MatrixCell | undefined): string => {
    if (cell === undefined) return '-';
    const healthy = SHORT[cell.healthy] ?? cell.healthy;
    const broken = cell.broken === undefined ? '' : ` / ${SHORT[cell.broken] ?? cell.broken}`;
    return `${cell.violations > 0 ? '!! ' : ''}${healthy}${broken}`;
  };
  const rows = sites.map((site) => [
    site,
    ...kinds.map((kind) => text(cells.find((c) => c.site === site && c.kind === kind))),
  ]);
  const header = ['call site', ...kinds];
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]): string =>
    row.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' | ');
  return [
    'outcome with a healthy release / with a broken one (sites reached after the push)',
    line(header),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...rows.map(line),
  ].join('\n');
}
