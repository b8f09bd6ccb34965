// `mode: plan`: the plan as a table, right under the verdict.
import type { RunRecord } from '../../flow/run-record.js';
import { table } from './markdown.js';

export function planBlocks(record: RunRecord): string[] {
  if (record.plan === undefined) return [];
  return [`### What a deploy would do\n\n${table(['', 'plan'], record.plan)}`];
}
