// The summary's first line: a verdict icon, the app, the environment, the commit, how long.
import type { RunRecord } from '../../flow/run-record.js';
import type { CommitInfo } from '../commit.js';
import { clip, code, inline, link, seconds } from './markdown.js';

export interface SummaryContext {
  readonly commit?: CommitInfo | undefined;
  /** The GitHub environment deployed to, when the workflow names one. */
  readonly environment?: string | undefined;
}

const VERDICT: Record<string, { readonly icon: string; readonly words: string }> = {
  deployed: { icon: '✅', words: 'Deployed' },
  verified: { icon: '✅', words: 'Healthy' },
  planned: { icon: '📋', words: 'Planned, nothing changed' },
  'rolled-back': { icon: '↩️', words: 'Failed, rolled back' },
  refused: { icon: '⛔', words: 'Refused' },
  failed: { icon: '❌', words: 'Failed' },
};

/** The platforms by the names their users know them by. */
const PLATFORM_NAME: Record<string, string> = { heroku: 'Heroku', fly: 'Fly.io' };

const SHORT_SHA = 7;
const SUBJECT_CHARS = 40;

function verdict(record: RunRecord, result: string): string {
  const known = VERDICT[result] ?? { icon: '❔', words: result };
  let words = known.words;
  if (record.mode === 'rollback' && result === 'rolled-back') words = 'Rolled back by hand';
  if (record.mode === 'post') words = `Interrupted deploy: ${words.toLowerCase()}`;
  return `${known.icon} ${words}`;
}

/** Time from the run's start to the end of its last phase. */
export function totalMs(record: RunRecord): number {
  return Math.max(0, ...record.phases.map((entry) => entry.startMs + entry.durationMs));
}

function commitWords(commit: CommitInfo): string {
  const short = commit.sha.slice(0, SHORT_SHA);
  const sha = commit.url === undefined ? code(short) : link(code(short), commit.url);
  return commit.subject === undefined
    ? sha
    : `${sha} ${inline(clip(commit.subject, SUBJECT_CHARS))}`;
}

export function headline(record: RunRecord, context: SummaryContext): string {
  const result = record.result ?? 'failed';
  const parts = [`${verdict(record, result)} ${code(record.app)}`];
  const platform = PLATFORM_NAME[record.platform] ?? record.platform;
  parts.push(
    context.environment === undefined || context.environment === ''
      ? platform
      : `${platform}, ${inline(context.environment)}`,
  );
  if (context.commit !== undefined) parts.push(commitWords(context.commit));
  if (record.phases.length > 0) parts.push(seconds(totalMs(record)));
  // A third-level heading: the whole line fits the summary's width.
  return `### ${parts.join(' · ')}`;
}
