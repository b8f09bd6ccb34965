// The health poll loop (clock, sleep and poll injected) and the real HTTP poll.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { errorMessage } from '../io/errors.js';
import {
  DEFAULT_UNHEALTHY_THRESHOLD,
  judgePoll,
  judgeVersionAnswer,
  nextHealth,
  secondsText as seconds,
} from './health.js';
import type {
  Condemnation,
  HealthCriteria,
  HealthState,
  PollJudgement,
  PollResult,
} from './health.js';

export interface ProbeSettings {
  url: string;
  criteria: HealthCriteria;
  intervalMs: number;
  timeoutMs: number;
  threshold: number;
  /** Failed polls in a row that condemn a release after its first pass (default 3). */
  unhealthyThreshold?: number;
  /** Asked after a poll, about once a second at most: the platform's own word on a crashed
   * instance of the release (`web.1 crashed: exit 1`), undefined when none has crashed. A
   * proxy may route around a crashed instance, so passing polls do not skip it. */
  crashed?: (() => Promise<string | undefined>) | undefined;
  /** Also read this URL on each passing poll: its body must contain `expected`, so an answer
   * from the old release (a cache, a lagging router) never counts. */
  version?: { url: string; expected: string } | undefined;
  /** Passing polls before this many ms count for nothing: the previous release may still
   * answer them (Heroku preboot without `version-url`). */
  countFromMs?: number;
}

/** One poll as it happened; `at` is ms since the probe started. */
export interface PollRecord extends PollResult, PollJudgement {
  at: number;
  /** No answer within a poll timeout the deadline had cut short: it says little. */
  cutShort?: boolean;
}

export interface HealthReport {
  verdict: 'healthy' | 'unhealthy';
  polls: PollRecord[];
  reason: string;
  elapsedMs: number;
  /** What condemned it (unhealthy only; undefined when aborted). */
  condemnedBy?: Condemnation;
}

export interface ProbeDeps {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  poll(url: string, timeoutMs: number): Promise<PollResult>;
}

const MIN_POLL_TIMEOUT_MS = 2_000;
const MAX_POLL_TIMEOUT_MS = 10_000;
/** A backstop on top of the deadline (the grid alone allows timeout / interval + 1 polls). */
const MAX_POLLS = 10_000;
const MAX_BODY_BYTES = 64 * 1024;
/** Platform APIs are rate-limited: with short intervals, not every poll asks about crashes
 * (about once a second; a little less, so polls on a 0.5 s grid ask every other poll). */
const CRASH_ASK_GAP_MS = 900;

/** A poll may outlast the interval (slow but healthy answers count) but never the deadline. */
function pollTimeoutMs(intervalMs: number, remainingMs: number): number {
  const wanted = Math.min(Math.max(intervalMs, MIN_POLL_TIMEOUT_MS), MAX_POLL_TIMEOUT_MS);
  return Math.max(1, Math.min(wanted, remainingMs));
}

function describePoll(index: number, record: PollRecord): string {
  const answer = record.status === null ? 'no answer' : String(record.status);
  return `poll ${index}: ${answer} in ${Math.round(record.latencyMs)} ms — ${record.reason}`;
}

/** Bytes of the last failing answer's body quoted in the verdict: enough for an error line. */
const QUOTED_BODY_CHARS = 200;

/** What the app said, on one line, so a 500 names its error. */
function answered(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  if (line === '') return '';
  const quoted = line.length > QUOTED_BODY_CHARS ? `${line.slice(0, QUOTED_BODY_CHARS)}…` : line;
  return `; its body: ${quoted}`;
}

function unhealthyReason(
  settings: ProbeSettings,
  state: HealthState,
  polls: readonly PollRecord[],
  end: { aborted: boolean; condemnedBy?: Condemnation | undefined; crash?: string | undefined },
): string {
  const lastFailure =
    polls.findLast((record) => !record.pass && record.cutShort !== true) ??
    polls.findLast((record) => !record.pass);
  const counts = `${state.polls} polls, ${state.passes} passed`;
  const details =
    lastFailure === undefined
      ? counts
      : `${counts}, last: ${lastFailure.reason}${answered(lastFailure.body)}`;
  if (end.aborted) return `health check aborted (${details})`;
  if (end.condemnedBy === 'crashed') return `${end.crash ?? 'crashed'} (${details})`;
  if (end.condemnedBy === 'broke') {
    return `it passed, then failed ${state.failures} polls in a row (${details})`;
  }
  const wanted = `${settings.threshold} passing poll${settings.threshold === 1 ? '' : 's'}`;
  return `no ${wanted} in a row within ${seconds(settings.timeoutMs)} (${details})`;
}

export async function pollSafely(
  deps: ProbeDeps,
  url: string,
  timeoutMs: number,
): Promise<PollResult> {
  const startedAt = deps.now();
  try {
    return await deps.poll(url, timeoutMs);
  } catch (error) {
    return {
      status: null,
      body: '',
      latencyMs: deps.now() - startedAt,
      error: errorMessage(error),
    };
  }
}

async function judgeVersion(
  deps: ProbeDeps,
  version: { url: string; expected: string },
  deadline: number,
  intervalMs: number,
): Promise<PollJudgement> {
  const timeoutMs = pollTimeoutMs(intervalMs, deadline - deps.now());
  return judgeVersionAnswer(await pollSafely(deps, version.url, timeoutMs), version.expected);
}

const NOT_COUNTED =
  'passed, not counted: within the preboot window the previous release may have answered';

/** Which release the passing polls came from, as far as the probe can tell. */
function whoAnswered(settings: ProbeSettings): string {
  if (settings.version !== undefined) {
    return `; the new release answered (version-url showed "${settings.version.expected}")`;
  }
  if ((settings.countFromMs ?? 0) > 0) {
    return (
      `; counted only after the ${seconds(settings.countFromMs ?? 0)} preboot window ` +
      '(which release answered is unknown without version-url)'
    );
  }
  return '';
}

/** Polls `settings.url` on a fixed grid (start + k·interval) until `threshold` passes in a row
 * (healthy) or the deadline (unhealthy). An abort ends it early as unhealthy. */
export async function waitForHealthy(
  settings: ProbeSettings,
  deps: ProbeDeps,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<HealthReport> {
  const start = deps.now();
  const deadline = start + settings.timeoutMs;
  const intervalMs = Math.max(1, settings.intervalMs);
  const polls: PollRecord[] = [];
  let state: HealthState = { polls: 0, passes: 0, consecutive: 0, failures: 0, startedAt: start };
  let slot = 0;
  let aborted = false;
  let condemnedBy: Condemnation | undefined;
  const limits = {
    ...settings,
    unhealthyThreshold: settings.unhealthyThreshold ?? DEFAULT_UNHEALTHY_THRESHOLD,
  };
  let crashSeen: string | undefined;
  let lastCrashAsk = -Infinity;

  while (polls.length < MAX_POLLS) {
    const slotAt = start + slot * intervalMs;
    if (slot > 0 && slotAt >= deadline) break;
    const waitMs = slotAt - deps.now();
    if (waitMs > 0) {
      try {
        await deps.sleep(waitMs, signal);
      } catch (error) {
        if (signal?.aborted !== true) throw error;
      }
    }
    if (signal?.aborted === true) {
      aborted = true;
      break;
    }
    const pollStart = deps.now();
    const timeoutMs = pollTimeoutMs(intervalMs, deadline - pollStart);
    const result = await pollSafely(deps, settings.url, timeoutMs);
    let judgement = judgePoll(result, settings.criteria);
    if (judgement.pass && settings.version !== undefined) {
      judgement = await judgeVersion(deps, settings.version, deadline, intervalMs);
    }
    if (judgement.pass && pollStart - start < (settings.countFromMs ?? 0)) {
      judgement = { pass: false, reason: NOT_COUNTED, failure: 'not-counted' };
    }
    const record: PollRecord = { ...result, ...judgement, at: pollStart - start };
    if (result.status === null && timeoutMs < pollTimeoutMs(intervalMs, Infinity)) {
      record.cutShort = true;
    }
    polls.push(record);
    log(describePoll(polls.length, record));

    // A crash the platform already shows needs no waiting out.
    let crash: string | undefined;
    if (deps.now() - lastCrashAsk >= CRASH_ASK_GAP_MS) {
      lastCrashAsk = deps.now();
      crash = await askCrashed(settings);
    }
    const now = deps.now();
    const next = nextHealth(state, judgement, now, limits, crash);
    state = next.state;
    condemnedBy = next.condemnedBy;
    if (crash !== undefined) crashSeen = crash;
    if (next.verdict === 'healthy') {
      const reason =
        `${settings.threshold} passing poll${settings.threshold === 1 ? '' : 's'} in a row ` +
        `after ${seconds(now - start)} (${state.polls} polls, ${state.passes} passed)` +
        whoAnswered(settings);
      return { verdict: 'healthy', polls, reason, elapsedMs: now - start };
    }
    if (next.verdict === 'unhealthy') break;
    // A poll that overran its slot moves on to the next grid point instead of bunching up.
    slot = Math.max(slot + 1, Math.ceil((now - start) / intervalMs));
  }
  if (signal?.aborted === true) aborted = true;
  if (!aborted) condemnedBy ??= 'deadline';
  const end = { aborted, condemnedBy, crash: crashSeen };
  const reason = unhealthyReason(settings, state, polls, end);
  return {
    verdict: 'unhealthy',
    polls,
    reason,
    elapsedMs: deps.now() - start,
    ...(aborted || condemnedBy === undefined ? {} : { condemnedBy }),
  };
}

/** The platform's word on a crash; a failed read only means no fast verdict this time. */
async function askCrashed(settings: ProbeSettings): Promise<string | undefined> {
  try {
    return await settings.crashed?.();
  } catch {
    return undefined;
  }
}

/** The real clock, timer and HTTP poll, for the action. */
export const liveProbeDeps: ProbeDeps = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    await sleepFor(ms, undefined, { signal });
  },
  poll: (url, timeoutMs) => httpPoll(url, timeoutMs),
};

// One keep-alive pool for all polls: consecutive polls reuse the connection like a browser would.
const pollAgent = new Agent({ keepAliveTimeout: 30_000, connections: 2 });

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The system error code, also when undici wraps it (`fetch failed` ← `cause`). */
function errorCodeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; depth < 4; depth += 1) {
    if (!(current instanceof Error)) return undefined;
    if ('code' in current && typeof current.code === 'string' && !current.code.startsWith('UND_')) {
      return current.code;
    }
    current = current.cause;
  }
  return undefined;
}

function describeError(error: unknown, code: string | undefined): string {
  const message = readableTls(errorMessage(error));
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}

/** OpenSSL's `<id>:error:0A00010B:SSL routines:<function>:wrong version number:<file>:<line>:`
 * as `TLS handshake failed: wrong version number`: its reason, on one line. */
function readableTls(message: string): string {
  const reason = /error:[0-9A-F]+:SSL routines:[^:]*:([^:]+):/.exec(message)?.[1];
  return reason === undefined ? message.trim() : `TLS handshake failed: ${reason}`;
}

function absoluteLocation(location: string, base: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
}

/** One GET of the health URL: no credentials, no redirects followed, at most 64 KiB of body. */
export async function httpPoll(url: string, timeoutMs: number): Promise<PollResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);
  try {
    const response = await request(url, {
      method: 'GET',
      dispatcher: pollAgent,
      signal: controller.signal,
      headers: { 'user-agent': 'guarded-deploy', accept: '*/*' },
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      size += buffer.length;
      if (size >= MAX_BODY_BYTES) {
        // Enough to judge; dropping the rest closes this connection, which is fine.
        response.body.destroy();
        break;
      }
    }
    const body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
    const result: PollResult = { status: response.statusCode, body, latencyMs: elapsed() };
    const location = headerValue(response.headers.location);
    if (response.statusCode >= 300 && response.statusCode < 400 && location !== undefined) {
      result.redirectTo = absoluteLocation(location, url);
    }
    return result;
  } catch (error) {
    if (controller.signal.aborted) {
      return {
        status: null,
        body: '',
        latencyMs: elapsed(),
        error: `timeout after ${Math.round(timeoutMs)} ms`,
      };
    }
    const code = errorCodeOf(error);
    const failed: PollResult = {
      status: null,
      body: '',
      latencyMs: elapsed(),
      error: describeError(error, code),
    };
    if (code !== undefined) failed.errorCode = code;
    return failed;
  } finally {
    clearTimeout(timer);
  }
}
