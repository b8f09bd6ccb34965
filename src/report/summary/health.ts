// The health check at a glance: one mark per poll in order, so a slow start (red then
// green), a crash (green then red) or a flapping app shows without reading numbers.
import type { RunRecord } from '../../flow/run-record.js';
import type { VersionBaseline } from '../../verify/baseline.js';
import type { PollRecord } from '../../verify/probe.js';
import { NBSP, clip, code, millis, seconds, table } from './markdown.js';

export const MARK = { pass: '🟩', fail: '🟥', noAnswer: '⬛' } as const;

/** Marks that fit the strip's column on one line on GitHub's page (a mark is ~20 px wide;
 * the column gets ~400 px of a 1000 px page beside the other four, and 20 marks wrapped),
 * and those kept from each end of a longer run of polls. */
export const STRIP_MAX = 16;
const STRIP_END = 7;
const BODY_CHARS = 200;

/** The value at quantile q (0..1) of sorted numbers, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? NaN;
}

function mark(poll: PollRecord): string {
  if (poll.pass) return MARK.pass;
  return poll.status === null ? MARK.noAnswer : MARK.fail;
}

/** One mark per poll; a long run keeps both ends, the shape of the start and of the end. */
export function strip(polls: readonly PollRecord[]): string {
  const marks = polls.map(mark);
  if (marks.length <= STRIP_MAX) return marks.join('');
  const hidden = marks.length - STRIP_END * 2;
  return `${marks.slice(0, STRIP_END).join('')} …${hidden}… ${marks.slice(-STRIP_END).join('')}`;
}

/** What a row of the table needs: the baseline has no verdict of its own. */
interface HealthRowData {
  readonly verdict: string;
  readonly polls: readonly PollRecord[];
  readonly elapsedMs: number;
}

function healthRow(label: string, report: HealthRowData): string[] {
  const latencies = report.polls.map((poll) => poll.latencyMs).sort((a, b) => a - b);
  const passed = report.polls.filter((poll) => poll.pass).length;
  return [
    label.replace(/ /g, NBSP),
    report.polls.length === 0 ? '-' : strip(report.polls),
    `${passed}/${report.polls.length} in${NBSP}${seconds(report.elapsedMs)}: ${report.verdict}`,
    millis(quantile(latencies, 0.5)),
    millis(quantile(latencies, 0.95)),
  ];
}

/** What the app said last when it was judged unhealthy: status and the body's start. */
function lastAnswer(label: string, report: HealthRowData): string | undefined {
  const last = report.polls.at(-1);
  if (report.verdict === 'healthy' || report.verdict === 'passed' || last === undefined) {
    return undefined;
  }
  const body = last.body.replace(/\s+/g, ' ').trim();
  const answer =
    last.status === null
      ? `no answer (${last.reason})`
      : `status ${last.status}` +
        (body === '' ? ', empty body' : `, body ${code(clip(body, BODY_CHARS))}`);
  return `- Last answer to the ${label}: ${answer}`;
}

/** What the live release's version-url showed before the push, and whether it can tell the
 * new release from it. */
function versionLine(version: VersionBaseline): string {
  const shows =
    version.shows === undefined ? 'gave no 2xx answer' : `showed ${code(clip(version.shows, 60))}`;
  const same = version.showsExpected
    ? ': the version expected of the new release already, so it cannot tell them apart'
    : '';
  return `- ${code('version-url')} ${code(version.url)} of the live release ${shows}${same}`;
}

export function healthBlocks(record: RunRecord): string[] {
  const { baseline, health } = record;
  const reports: [string, HealthRowData | undefined][] = [
    [
      'live before (baseline)',
      baseline && {
        ...baseline,
        verdict: baseline.passes === baseline.polls.length ? 'passed' : 'failed',
      },
    ],
    [
      'live before (version-url)',
      baseline?.version && {
        ...baseline.version,
        verdict: baseline.version.passes === baseline.version.polls.length ? 'passed' : 'failed',
      },
    ],
    ['new release', health && { ...health, verdict: record.verdict ?? health.verdict }],
    ['rollback', record.rollbackHealth],
  ];
  const shown = reports.filter((entry): entry is [string, HealthRowData] => entry[1] !== undefined);
  if (shown.length === 0) return [];
  const legend = `${MARK.pass} passed · ${MARK.fail} failed · ${MARK.noAnswer} no answer`;
  const answers = shown.flatMap(([label, report]) => lastAnswer(label, report) ?? []);
  const version = baseline?.version && versionLine(baseline.version);
  return [
    `### Health of ${code(record.healthUrl ?? '-')}`,
    table(
      ['release', 'polls in order', 'passed', 'p50', 'p95'],
      shown.map(([label, report]) => healthRow(label, report)),
    ),
    [`- ${legend}`, ...(version === undefined ? [] : [version]), ...answers].join('\n'),
  ];
}
