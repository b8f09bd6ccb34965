// What every job summary must hold, whatever the result: checks shared by the unit tests over
// recorded run data and the end-to-end demo stories. Each returns the problems it found.
import { Marked } from 'marked';

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

/** Every problem with `markdown`; empty when it is fit to show. */
export function summaryProblems(markdown: string, expect: SummaryExpectations): string[] {
  const problems: string[] = [];
  const cause = causeText(markdown);
  if (expect.platformWords !== '' && !(cause ?? '').includes(expect.platformWords)) {
    problems.push(`the cause does not quote ${JSON.stringify(expect.platformWords)}`);
  }
  const cells = tableCells(markdown);
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
