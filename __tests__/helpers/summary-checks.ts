// What every job summary must hold, whatever the result: checks shared by the unit tests over
// recorded run data and the end-to-end demo stories. Each returns the problems it found.
import { Marked } from 'marked';
import { STRIP_MAX } from '../../src/report/summary/health.js';

const gfm = new Marked({ gfm: true });

/** Tags the summary may produce: Markdown's own, plus the folds and the footer. */
const ALLOWED_TAGS = new Set([
  'h2',
  'h3',
  'p',
  'a',
  'code',
  'pre',
  'strong',
  'em',
  'ul',
  'ol',
  'li',
  'blockquote',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'details',
  'summary',
  'sub',
  'br',
]);

export interface SummaryExpectations {
  /** Text the cause must quote (the platform's or the app's own words); '' for none. */
  readonly platformWords: string;
  /** Output lines that must sit in a fold, not in a table. */
  readonly logLines?: readonly string[];
}

export function renderGfm(markdown: string): string {
  return gfm.parse(markdown, { async: false });
}

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The cause paragraph's text, as a reader sees it. */
export function causeText(markdown: string): string | undefined {
  const line = markdown.split('\n').find((text) => text.startsWith('**Cause:** '));
  return line === undefined ? undefined : decode(line.slice('**Cause:** '.length));
}

function tableCells(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .flatMap((line) => line.split(/(?<!\\)\|/).slice(1, -1))
    .map((cell) => cell.trim());
}

/** Slips a person reading the summary aloud would stumble on (issue 16's list). */
const WORDING_SLIPS: readonly [RegExp, string][] = [
  [/[.;:,] ?[.;:,](?![.\d])/, 'doubled punctuation'],
  [/\(= ?v\d/, 'a self-referencing "(= vN)"'],
  [/\bok \(this deploy job/, 'the gate row "ok (this deploy job …)"'],
  [/\b(v\d+) (?:restores|is back on|back on) \1\b/, 'a release restoring itself'],
  [/\w\(s\)/, 'a "(s)" plural'],
];

/** Prose and table text as a reader sees it: code spans, fences and link targets left out. */
function readableText(markdown: string): string {
  return markdown
    .replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')
    .replace(/(`+)[^`\n]*?\1/g, '')
    .replace(/\]\([^)\s]*\)/g, ']');
}

function wordingProblems(markdown: string, cells: readonly string[]): string[] {
  const text = readableText(markdown);
  const problems = WORDING_SLIPS.flatMap(([pattern, what]) => {
    const found = pattern.exec(text);
    return found === null ? [] : [`${what}: ${JSON.stringify(found[0])}`];
  });
  for (const cell of cells) {
    // A time alone in its cell ("+0.0 s") wraps in a narrow column unless its space is fixed.
    if (/^\+?\d+(\.\d+)? (s|ms)$/.test(cell)) problems.push(`a time that can wrap: ${cell}`);
    if (/\b[0-9a-f]{40}\b/.test(readableText(cell))) problems.push(`a full commit SHA: ${cell}`);
    const marks = [...cell.matchAll(/[🟩🟥⬛]/gu)].length;
    if (marks > STRIP_MAX) problems.push(`a health strip of ${marks} marks wraps`);
  }
  return problems;
}

/** Every problem with `markdown`; empty when it is fit to show. */
export function summaryProblems(markdown: string, expect: SummaryExpectations): string[] {
  const problems: string[] = [];
  const cause = causeText(markdown);
  if (expect.platformWords !== '' && !(cause ?? '').includes(expect.platformWords)) {
    problems.push(`the cause does not quote ${JSON.stringify(expect.platformWords)}`);
  }
  const cells = tableCells(markdown);
  problems.push(...wordingProblems(markdown, cells));
  for (const cell of cells) {
    if (cell.length > 200) problems.push(`a table cell of ${cell.length} characters`);
  }
  const lines = (expect.logLines ?? []).map((line) => line.trim()).filter((line) => line !== '');
  for (const [index, line] of lines.entries()) {
    const next = lines[index + 1];
    if (next !== undefined && cells.some((cell) => cell.includes(line) && cell.includes(next))) {
      problems.push(`two output lines in one table cell: ${line}`);
    }
  }
  const html = renderGfm(markdown);
  for (const match of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)) {
    const tag = (match[1] ?? '').toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) problems.push(`raw HTML <${tag}> reaches the page`);
  }
  const prose = html.replace(/<pre>[\s\S]*?<\/pre>|<code>[\s\S]*?<\/code>/g, '');
  if (/&lt;\/?(details|summary|sub)/.test(prose)) problems.push('a fold is shown as text');
  if (lines.length > 0) {
    const folds = [...html.matchAll(/<details>[\s\S]*?<\/details>/g)].map((m) => m[0]);
    const codeInFolds = folds
      .flatMap((fold) => [...fold.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)])
      .map((m) => decode(m[1] ?? ''))
      .join('\n');
    for (const line of lines) {
      if (!codeInFolds.includes(line))
        problems.push(`output line not in a folded code block: ${line}`);
    }
  }
  return problems;
}
