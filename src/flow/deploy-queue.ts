// The deploy queue. Neither platform has an atomic deploy lock, but GitHub gives deployment ids
// in creation order, atomically: every deploy with `environment` creates its deployment first,
// so among this action's deployments of one app in one environment the lowest id still in
// flight pushes first, and a deploy never waits for one created after its own. Read right
// before the push, beside the platform's own holders (`deploy-lock.ts`).
import * as core from '@actions/core';
import {
  type DeployTicket,
  type GitHubDeployments,
  type ListedDeployment,
  PAYLOAD_BY,
  QUEUE_PAGE_SIZE,
  runLogUrl,
} from '../report/deployments.js';
import { errorMessage } from '../io/errors.js';
import type { Settings } from '../settings/inputs.js';

/** GitHub ends a job after 6 h ("Usage limits", GitHub Actions docs): an older deployment
 * still without a final status was left behind by a job that is gone. */
export const STALE_AFTER_MS = 6 * 60 * 60_000;
/** Pages of 100 deployments read at most, newest first: far more than 6 h of deploys. */
export const MAX_QUEUE_PAGES = 3;
/** Statuses of a deploy not yet ended (GitHub's states; none at all counts too). */
const IN_FLIGHT: ReadonlySet<string> = new Set(['queued', 'pending', 'in_progress']);

/** The run and job of this deploy, as its deployment records them. */
export function ticketOf(settings: Settings): DeployTicket {
  const { runId, attempt, job } = settings.run;
  return job === undefined ? { runId, attempt } : { runId, attempt, job };
}

/** Where this deploy stands: its app, its run, and its own deployment. */
export interface QueuePosition {
  readonly app: string;
  readonly platform: string;
  readonly ticket: DeployTicket;
  /** This run's deployment; undefined in `mode: plan`, which has none: all in flight count. */
  readonly deploymentId?: number;
  readonly nowMs: number;
}

/** A listed deployment and what was read about it so far. */
export interface QueuedFacts {
  readonly listed: ListedDeployment;
  /** State of its latest status, null when it has none; undefined: not read yet. */
  readonly latestState?: string | null;
  /** Its run's `status`, `gone` when GitHub has no such run; undefined: not read yet. */
  readonly runStatus?: string;
}

export type Standing =
  | { readonly kind: 'not-ahead' }
  | { readonly kind: 'ended' }
  | { readonly kind: 'stale'; readonly why: string }
  | { readonly kind: 'holder' }
  | { readonly kind: 'read'; readonly what: 'status' | 'run' };

/** The queue fields of a payload this action wrote; undefined for any other deployment. */
export function ticketIn(
  payload: unknown,
): (DeployTicket & { readonly app: string; readonly platform: string }) | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  const { app, platform, run_id: runId, run_attempt: attempt, job } = p;
  const named = p.by === PAYLOAD_BY && typeof app === 'string' && typeof platform === 'string';
  if (!named || typeof runId !== 'number' || typeof attempt !== 'number') return undefined;
  return { app, platform, runId, attempt, ...(typeof job === 'string' ? { job } : {}) };
}

/**
 * Whether a listed deployment holds the app ahead of this deploy, from what is known of it;
 * `read` asks for the next fact (its latest status, then its run) when it decides.
 */
export function standing(facts: QueuedFacts, ours: QueuePosition): Standing {
  const { listed } = facts;
  const theirs = ticketIn(listed.payload);
  if (theirs === undefined || theirs.app !== ours.app || theirs.platform !== ours.platform) {
    return { kind: 'not-ahead' };
  }
  if (ours.deploymentId !== undefined && listed.id >= ours.deploymentId) {
    return { kind: 'not-ahead' };
  }
  if (ours.nowMs - listed.createdAtMs > STALE_AFTER_MS) {
    return { kind: 'stale', why: 'older than 6 h, the longest a job runs' };
  }
  const sameRun = theirs.runId === ours.ticket.runId;
  if (sameRun && theirs.attempt < ours.ticket.attempt) {
    return { kind: 'stale', why: `attempt ${theirs.attempt} of this run has ended` };
  }
  if (facts.latestState === undefined) return { kind: 'read', what: 'status' };
  if (facts.latestState !== null && !IN_FLIGHT.has(facts.latestState)) return { kind: 'ended' };
  // A job of this very run attempt is running, like this one: no need to ask.
  if (sameRun && theirs.attempt === ours.ticket.attempt) return { kind: 'holder' };
  if (facts.runStatus === undefined) return { kind: 'read', what: 'run' };
  if (facts.runStatus === 'completed' || facts.runStatus === 'gone') {
    const ended = facts.runStatus === 'gone' ? 'is gone' : 'has completed';
    return { kind: 'stale', why: `its run ${theirs.runId} ${ended}` };
  }
  return { kind: 'holder' };
}

/** Where links to runs point. */
export interface RunLinks {
  readonly serverUrl: string;
  readonly owner: string;
  readonly repo: string;
}

/** One holder, named like the platform's: deployment, commit, run, creator, state. */
export function holderName(facts: QueuedFacts, links: RunLinks): string {
  const { listed } = facts;
  const ticket = ticketIn(listed.payload);
  const run =
    ticket === undefined
      ? ''
      : `, run ${runLogUrl({ ...links, runId: ticket.runId, attempt: ticket.attempt })}`;
  const job = ticket?.job === undefined ? '' : ` job ${ticket.job}`;
  const by = listed.creator === undefined ? '' : ` by ${listed.creator}`;
  const state =
    facts.latestState === null || facts.latestState === undefined
      ? 'has no status yet'
      : `is ${facts.latestState.replace('_', ' ')}`;
  return `deployment ${listed.id} of ${listed.sha.slice(0, 7)}${by} (queued ahead${run}${job}) ${state}`;
}

/** What the queue reads from GitHub (a `GitHubDeployments` of the environment). */
export interface QueueSource {
  /** Deployments on a full page. */
  readonly pageSize: number;
  /** Newest first, `pageSize` a page. */
  listPage(page: number): Promise<readonly ListedDeployment[]>;
  latestState(deploymentId: number): Promise<string | null>;
  runStatus(runId: number): Promise<string>;
}

/** The deploy could not read the queue: it refuses, since it cannot know its turn. */
export class QueueUnreadable extends Error {
  override readonly name = 'QueueUnreadable';
}

/** Every deployment holding the app ahead of `ours`, named; throws QueueUnreadable. */
export async function readQueueHolders(
  source: QueueSource,
  ours: QueuePosition,
  links: RunLinks,
): Promise<string[]> {
  try {
    const holders: string[] = [];
    const runs = new Map<number, string>();
    for (const listed of await listRecent(source, ours.nowMs)) {
      let facts: QueuedFacts = { listed };
      // At most two reads: its latest status, then its run.
      for (let reads = 0; reads <= 2; reads += 1) {
        const now = standing(facts, ours);
        if (now.kind === 'holder') holders.push(holderName(facts, links));
        if (now.kind === 'stale') core.debug(`deployment ${listed.id} holds nothing: ${now.why}`);
        if (now.kind !== 'read') break;
        if (now.what === 'status') {
          facts = { ...facts, latestState: await source.latestState(listed.id) };
        } else {
          const runId = ticketIn(listed.payload)?.runId ?? 0;
          const status = runs.get(runId) ?? (await source.runStatus(runId));
          runs.set(runId, status);
          facts = { ...facts, runStatus: status };
        }
      }
    }
    return holders;
  } catch (error) {
    throw new QueueUnreadable(errorMessage(error));
  }
}

/** The deployments of the last 6 h, newest first, within `MAX_QUEUE_PAGES` pages. */
async function listRecent(source: QueueSource, nowMs: number): Promise<ListedDeployment[]> {
  const recent: ListedDeployment[] = [];
  for (let page = 1; page <= MAX_QUEUE_PAGES; page += 1) {
    const listed = await source.listPage(page);
    recent.push(...listed);
    const oldest = listed.at(-1);
    if (listed.length < source.pageSize || oldest === undefined) return recent;
    if (nowMs - oldest.createdAtMs > STALE_AFTER_MS) return recent;
  }
  core.warning(
    `More than ${MAX_QUEUE_PAGES * source.pageSize} deployments in 6 h: older ones were not ` +
      'read for the deploy queue',
  );
  return recent;
}

/** Reads the holders ahead of `deploymentId` (undefined: all in flight) in `environment`. */
export function queueReader(
  tracker: GitHubDeployments,
  environment: string,
  settings: Settings,
  deploymentId: number | undefined,
  now: () => number,
): () => Promise<string[]> {
  const source: QueueSource = {
    pageSize: QUEUE_PAGE_SIZE,
    listPage: (page) => tracker.listPage(environment, page),
    latestState: (id) => tracker.latestState(id),
    runStatus: (runId) => tracker.runStatus(runId),
  };
  const { serverUrl, owner, repo } = settings.run;
  return () =>
    readQueueHolders(
      source,
      {
        app: settings.app,
        platform: settings.platform,
        ticket: ticketOf(settings),
        ...(deploymentId === undefined ? {} : { deploymentId }),
        nowMs: now(),
      },
      { serverUrl, owner, repo },
    );
}
