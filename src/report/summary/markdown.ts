// Markdown building blocks for the job summary, safe for any text a platform prints: table
// cells stay one line, code fences outgrow any backtick run, and HTML-like text is escaped.

/** Between a number and its unit, so `+0.0 s` never wraps in a narrow column. */
export const NBSP = '\u00a0';

const MAX_CELL_CHARS = 160;

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}${NBSP}s`;
}

export function millis(ms: number): string {
  return Number.isNaN(ms) ? '-' : `${Math.round(ms)}${NBSP}ms`;
}

/** Text shown as prose: `<`, `>` and `&` can never open HTML, the first line only. */
export function inline(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Shortens to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One table cell: its first line only, clipped, pipes escaped. */
export function cell(text: string): string {
  return clip(inline(text).trim(), MAX_CELL_CHARS).replace(/\|/g, '\\|');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(header.map(cell)),
    line(header.map(() => '---')),
    ...rows.map((row) => line(row.map(cell))),
  ].join('\n');
}

/** Inline code that no backtick in `text` can close early. */
export function code(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${line}${pad}${ticks}`;
}

/** A fenced block longer than any backtick run in `lines`, so output cannot break out. */
export function fenced(lines: readonly string[], language = 'text'): string {
  const longest = Math.max(
    2,
    ...lines.flatMap((line) => line.match(/`+/g) ?? []).map((run) => run.length),
  );
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, ...lines, fence].join('\n');
}

/** A folded block: the blank lines around the body let GitHub parse it as Markdown. */
export function details(summary: string, body: string): string {
  return `<details><summary>${inline(summary)}</summary>\n\n${body}\n\n</details>`;
}

export function link(text: string, url: string): string {
  return `[${text}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
}
