import { describe, expect, it } from 'vitest';
import { quantile, renderSummary } from '../../src/report/summary.js';
import { strip } from '../../src/report/summary/health.js';
import { fenced } from '../../src/report/summary/markdown.js';
import { rolledBackWords, shortImage } from '../../src/report/release-words.js';
import { newRunRecord } from '../../src/flow/run-record.js';
import { causeText, summaryProblems } from '../helpers/summary-checks.js';
import {
  FLY_IMAGE,
  RECORDED_RUNS,
  deployedRecord,
  flyRolledBackRecord,
  polls,
  refusedRecord,
  rolledBackRecord,
} from '../helpers/run-records.js';

const commit = {
  sha: '92d46e4baf77c0ffee0123456789abcdef012345',
  url: 'https://github.com/acme/shop/commit/92d46e4baf77c0ffee0123456789abcdef012345',
  subject: 'Cache the cart totals',
};

describe('quantile', () => {
  it.each([
    [[], 0.5, NaN],
    [[7], 0.95, 7],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
  ])('%j at %d is %d', (values, q, expected) => {
    expect(quantile(values, q)).toEqual(expected);
  });
});

describe('renderSummary over recorded runs', () => {
  it.each(RECORDED_RUNS)(
    '$name: cause in the platform words, one-line cells, output folded, no raw HTML',
    ({ record, platformWords, logLines }) => {
      const markdown = renderSummary(record(), { commit, environment: 'production' });
      expect(summaryProblems(markdown, { platformWords, logLines })).toEqual([]);
    },
  );

  it.each(RECORDED_RUNS)('$name: matches its golden copy', async ({ name, record }) => {
    const markdown = renderSummary(record(), { commit, environment: 'production' });
    await expect(markdown).toMatchFileSnapshot(`../golden/records/${name}.md`);
  });

  it.each([
    [deployedRecord, '✅ Deployed'],
    [rolledBackRecord, '↩️ Failed, rolled back'],
    [refusedRecord, '⛔ Refused'],
  ])('opens with the verdict, app, environment, linked commit and duration', (record, verdict) => {
    const first = renderSummary(record(), { commit, environment: 'production' }).split('\n')[0];
    expect(first).toMatch(new RegExp(`^### ${verdict} \`demo-shop\` · Heroku, production · `));
    expect(first).toContain(`[\`92d46e4\`](${commit.url}) Cache the cart totals · `);
    expect(first).toMatch(/ · \d+\.\d\u00a0s$/);
  });

  it('says the cause before any table, and the app state right after it', () => {
    const markdown = renderSummary(rolledBackRecord());
    const cause = markdown.indexOf('**Cause:** New release v4 is unhealthy');
    const now = markdown.indexOf('**The app now:** rolled back to v3 (as v5)');
    expect(cause).toBeGreaterThan(0);
    expect(now).toBeGreaterThan(cause);
    expect(markdown.indexOf('|')).toBeGreaterThan(now);
  });

  it('names the commit without a link or subject when the runner gives none', () => {
    const first = renderSummary(deployedRecord(), {
      commit: { sha: commit.sha, url: undefined, subject: undefined },
    }).split('\n')[0];
    expect(first).toMatch(/^### ✅ Deployed `demo-shop` · Heroku · `92d46e4` · /);
  });

  it('shows the health of each release on its own row, one mark per poll (a long run by its ends)', () => {
    const markdown = renderSummary(rolledBackRecord());
    expect(markdown).toContain(
      `| new\u00a0release | ${'🟥'.repeat(7)} …6… ${'🟥'.repeat(7)} | 0/20 in\u00a04.0\u00a0s: unhealthy |`,
    );
    expect(markdown).toContain('| rollback | 🟩🟩🟩 | 3/3 in\u00a00.6\u00a0s: healthy |');
    expect(markdown).toContain(
      '- Last answer to the new release: status 500, body `{"status":"error","error":"database ' +
        'unreachable: ECONNREFUSED"}`',
    );
  });

  it.each([
    ['xfppp', '⬛🟥🟩🟩🟩'],
    ['pfpfp', '🟩🟥🟩🟥🟩'],
    ['p'.repeat(8) + 'f'.repeat(8), `${'🟩'.repeat(8)}${'🟥'.repeat(8)}`],
    ['p'.repeat(9) + 'f'.repeat(8), `${'🟩'.repeat(7)} …3… ${'🟥'.repeat(7)}`],
    ['p'.repeat(25) + 'f'.repeat(25), `${'🟩'.repeat(7)} …36… ${'🟥'.repeat(7)}`],
  ])('strip of %s is %s', (shape, expected) => {
    expect(strip(polls(shape))).toBe(expected);
  });

  it('keeps times on one line and the words plain', () => {
    const markdown = renderSummary(flyRolledBackRecord());
    expect(markdown).toContain('| gate | +0.0\u00a0s | 0.1\u00a0s | ✓ ok | 2 jobs listed |');
    expect(markdown).toContain('| ✓ this deploy job (not judged) |');
    expect(markdown).not.toMatch(/\(= v|ok \(this deploy job|\.;|;;|\.\./);
  });

  it('names a Fly release by what the machines run, image and digest', () => {
    const markdown = renderSummary(flyRolledBackRecord());
    expect(markdown).toContain('| before | v2 | demo-fly@sha256:1b61dff00c17 |');
    expect(shortImage(`registry.fly.io/demo-fly:deployment-01OLD@sha256:${'ab'.repeat(32)}`)).toBe(
      'deployment-01OLD@sha256:abababababab',
    );
    const target = { id: FLY_IMAGE, label: 'v2' };
    expect(rolledBackWords('fly', target, target)).toBe(
      'every machine is back on v2 (demo-fly@sha256:1b61dff00c17)',
    );
    expect(rolledBackWords('heroku', { id: 'r3', label: 'v3' }, { id: 'r5', label: 'v5' })).toBe(
      'rolled back to v3 (as v5)',
    );
  });

  it('folds output that holds backticks and HTML so it cannot break out', () => {
    const record = newRunRecord('heroku', 'shop', new Date(0));
    const hostile = ['```', '````js', '</details>', '<script>alert(1)</script>', '| a | b |'];
    record.result = 'failed';
    record.cause = 'Heroku build failed; nothing was released: <b>bad</b> & `odd`';
    record.logs.push({ title: 'Build output', lines: hostile });
    record.phases.push({ name: 'push', startMs: 0, durationMs: 1, outcome: 'failed', detail: 'x' });
    const markdown = renderSummary(record);
    expect(markdown).toContain('`````text\n```\n````js');
    expect(summaryProblems(markdown, { platformWords: '<b>bad</b>', logLines: hostile })).toEqual(
      [],
    );
    expect(causeText(markdown)).toBe(record.cause);
  });

  it('fences with more backticks than the longest run in the output', () => {
    expect(fenced(['plain'])).toBe('```text\nplain\n```');
    expect(fenced(['a ````` b'])).toBe('``````text\na ````` b\n``````');
  });
});

describe('summaryProblems', () => {
  it.each([
    ['**Cause:** it failed', { platformWords: 'Error: boom' }, 'the cause does not quote'],
    [
      '| a |\n| --- |\n| Error: x Error: y |',
      { platformWords: '', logLines: ['Error: x', 'Error: y'] },
      'two output lines',
    ],
    ['hello <script>x</script>', { platformWords: '' }, 'raw HTML <script>'],
    [
      '<details><summary>out</summary>\nError: x\n</details>',
      { platformWords: '', logLines: ['Error: x'] },
      'not in a folded code block',
    ],
    ['**Cause:** left a machine behind.; rolled back', { platformWords: '' }, 'doubled punct'],
    ['**The app now:** v2 (= v2)', { platformWords: '' }, 'self-referencing'],
    ['| ok (this deploy job (not judged)) |', { platformWords: '' }, 'the gate row'],
    ['| attempt 1: v2 restores v2 |', { platformWords: '' }, 'a release restoring itself'],
    ['| 1 web dyno(s) up |', { platformWords: '' }, 'a "(s)" plural'],
    ['| gate | +0.0 s |', { platformWords: '' }, 'a time that can wrap: +0.0 s'],
    [`| v3 runs ${'ab12'.repeat(10)} |`, { platformWords: '' }, 'a full commit SHA'],
    [`| ${'🟥'.repeat(20)} |`, { platformWords: '' }, 'a health strip of 20 marks wraps'],
  ])('finds what is wrong in %j', (markdown, expectations, problem) => {
    expect(summaryProblems(markdown, expectations).join('\n')).toContain(problem);
  });
});
