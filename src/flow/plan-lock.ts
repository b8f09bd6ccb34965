// `mode: plan`'s view of the deploy lock: who holds the app right now, from the deploy queue
// (GitHub deployments, with `environment`) and from the platform. Reads once, never waits.
import { errorMessage } from '../io/errors.js';
import type { Platform } from '../platforms/platform.js';
import type { Settings } from '../settings/inputs.js';
import type { FlowDeps } from './deploy.js';
import { queueReader } from './deploy-queue.js';
import type { PlanRow } from './plan.js';
import { phase, type RunRecord } from './run-record.js';

/** What a source answered: its holders, or why it could not be read. */
type Read = { readonly holders: readonly string[] } | { readonly unreadable: string };

async function readSource(read: () => Promise<readonly string[]>): Promise<Read> {
  try {
    return { holders: await read() };
  } catch (error) {
    return { unreadable: errorMessage(error) };
  }
}

/** The `lock` row: `free`, `held by …`, or what could not be read (the plan still ends). */
export function lockWords(app: string, reads: ReadonlyArray<readonly [string, Read]>): string {
  const holders = reads.flatMap(([, read]) => ('holders' in read ? read.holders : []));
  const unread = reads.flatMap(([source, read]) =>
    'unreadable' in read ? [`${source} unreadable: ${read.unreadable}`] : [],
  );
  const sources = reads.map(([source]) => source).join(' and ');
  const state =
    holders.length > 0
      ? `held: ${holders.join('; ')}`
      : unread.length === 0
        ? `free: no other deploy of ${app} in flight (${sources})`
        : 'unknown';
  return [state, ...unread].join('; ');
}

/** Who holds the app now, as a deploy would see it right before its push. */
export async function lockRow(
  platform: Platform,
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
): Promise<PlanRow> {
  return phase(record, 'lock', deps.now, async (done) => {
    const reads: Array<readonly [string, Read]> = [];
    const tracker = deps.deployments(settings);
    if (tracker !== undefined && settings.environment !== undefined) {
      const queue = queueReader(tracker, settings.environment, settings, undefined, deps.now);
      reads.push([`deploy queue of ${settings.environment}`, await readSource(queue)]);
    }
    const onPlatform = platform.deploysInFlight?.bind(platform);
    if (onPlatform !== undefined) reads.push([settings.platform, await readSource(onPlatform)]);
    if (reads.length === 0) {
      done('ok', 'no lock to read');
      return ['lock', 'not checked'] as const;
    }
    const words = lockWords(settings.app, reads);
    // A plan reports who holds the app (its log and summary show the row); it never waits.
    done('ok', words);
    return ['lock', words] as const;
  });
}
