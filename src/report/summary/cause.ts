// Under the headline: why the run did not end green, in the platform's own words, then what
// state the app is in now and, when the action could not fix it, the command that does.
import type { RunRecord } from '../../flow/run-record.js';
import { describeRelease } from '../release-words.js';
import { fenced, inline } from './markdown.js';

function appNow(record: RunRecord): string | undefined {
  if (record.appState !== undefined) return record.appState;
  if (record.result === 'deployed' && record.release !== undefined) {
    return `${describeRelease(record.platform, record.release)} is live, verified healthy`;
  }
  return undefined;
}

/** The cause, the app's state and the recovery command, as paragraphs. */
export function causeBlocks(record: RunRecord): string[] {
  const blocks: string[] = [];
  if (record.cause !== undefined) blocks.push(`**Cause:** ${inline(record.cause)}`);
  const now = appNow(record);
  if (now !== undefined) blocks.push(`**The app now:** ${inline(now)}`);
  if (record.recovery !== undefined) {
    blocks.push(`**Recover by hand:**\n\n${fenced([record.recovery], 'sh')}`);
  }
  for (const notice of record.notices) blocks.push(`> ${inline(notice)}`);
  return blocks;
}
