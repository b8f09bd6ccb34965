// Steady loopback traffic (autocannon, bounded) around a piece of work, for measure 6: how many
// requests failed while a deploy or a rollback ran, and how slow the slowest were.
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import { sleep } from './clock.js';
import type { Goal } from './stats.js';
import type { BenchResult } from './stats.js';
import { summarize } from './stats.js';

// No rate limit: autocannon's limiter sends each second's quota in one burst, which would
// leave most of each second unobserved.
export const LOAD = { connections: 2 } as const;
/** A hard stop for one load window; each phase takes a few seconds. */
const MAX_LOAD_SECONDS = 60;
/** Traffic keeps going this long after the work settles, to catch a late gap. */
const TAIL_MS = 300;

export interface LoadSample {
  readonly requests: number;
  /** Non-2xx answers plus socket errors and timeouts. */
  readonly errors: number;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Runs `work` under load on `url` (127.0.0.1 only); the load stops TAIL_MS after it settles. */
export async function underLoad(url: string, work: () => Promise<void>): Promise<LoadSample> {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`load only on loopback, not ${url}`);
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<Result>((resolve, reject) => {
    instance = autocannon(
      { url, ...LOAD, duration: MAX_LOAD_SECONDS },
      (error: unknown, result: Result) => (error ? reject(toError(error)) : resolve(result)),
    );
  });
  try {
    await work();
    await sleep(TAIL_MS);
  } finally {
    instance?.stop();
  }
  const result = await finished;
  return {
    requests: result.requests.total,
    errors: result.non2xx + result.errors,
    non2xx: result.non2xx,
    socketErrors: result.errors,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** What the errors of a phase were, over all its runs: e.g. `12 non-2xx + 0 socket errors
 * in 2 of 5 runs`. */
export function describeErrors(samples: readonly LoadSample[]): string {
  const sum = (pick: (sample: LoadSample) => number): number =>
    samples.reduce((total, sample) => total + pick(sample), 0);
  const failing = samples.filter((sample) => sample.errors > 0).length;
  return (
    `${sum((s) => s.non2xx)} non-2xx + ${sum((s) => s.socketErrors)} socket errors ` +
    `in ${failing} of ${samples.length} runs`
  );
}

/** The four rows of one phase (deploy or rollback) of one mode; `goal` applies to errors. */
export function loadRows(
  prefix: string,
  samples: readonly LoadSample[],
  goal: Goal | undefined,
): BenchResult[] {
  return [
    summarize(
      `${prefix}: requests`,
      'count',
      samples.map((s) => s.requests),
    ),
    summarize(
      `${prefix}: errors`,
      'count',
      samples.map((s) => s.errors),
      goal,
    ),
    summarize(
      `${prefix}: p99 latency`,
      'ms',
      samples.map((s) => s.p99Ms),
    ),
    summarize(
      `${prefix}: max latency`,
      'ms',
      samples.map((s) => s.maxMs),
    ),
  ];
}
