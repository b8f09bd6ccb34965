// Printing the results as a plain-text table (also fit for a README code block).
import type { Section } from './section.js';
import type { BenchResult } from './stats.js';

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const size = Math.abs(value);
  if (size >= 100 || Number.isInteger(value)) return value.toFixed(0);
  if (size >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function verdict(result: BenchResult): string {
  if (result.met === null) return 'n/a';
  return result.met ? 'met' : 'NOT MET';
}

const HEADER = ['measure', 'unit', 'median', 'min', 'max', 'goal', 'goal met'] as const;

function rowOf(result: BenchResult): string[] {
  return [
    result.name,
    result.unit,
    formatNumber(result.median),
    formatNumber(result.min),
    formatNumber(result.max),
    result.goal ?? '-',
    verdict(result),
  ];
}

/** All sections in one table, so the columns line up across them. */
export function formatSections(sections: readonly Section[]): string[] {
  const rows = sections.flatMap((section) => section.results.map(rowOf));
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = new Set([2, 3, 4]);
  const format = (row: readonly string[]): string =>
    row
      .map((text, column) =>
        numeric.has(column) ? text.padStart(widths[column] ?? 0) : text.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const lines: string[] = [];
  for (const section of sections) {
    lines.push('', section.title, format(HEADER), widths.map((w) => '-'.repeat(w)).join('  '));
    lines.push(...section.results.map((result) => format(rowOf(result))));
    if (section.notes && section.notes.length > 0) lines.push('', ...section.notes);
  }
  return lines;
}
