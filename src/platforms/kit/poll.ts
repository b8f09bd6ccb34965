// Reads a platform's state until it says done, waiting growing intervals in between: the one
// poll loop of both adapters. Clock and sleep are injected, so tests run it without timers.

export interface PollClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface PollLimits {
  /** Waits between reads; they grow and the last one repeats. */
  readonly intervalsMs: readonly number[];
  /** Hard cap on reads after the first, whatever the clock says. */
  readonly maxPolls: number;
  /** Stop once this much time has passed since `started`. */
  readonly timeoutMs: number;
}

export interface PollOptions<T> {
  /** When the wait began (default: now); time spent before the first read counts. */
  readonly started?: number;
  /** A value just read: the first read is skipped. */
  readonly first?: { readonly value: T };
  /** Called before each wait with how many waits came before (e.g. to log once). */
  readonly onWait?: (waits: number) => void;
}

export interface PollResult<T> {
  /** The last value read. */
  readonly value: T;
  /** Whether `isDone` held for it; false when the deadline or `maxPolls` came first. */
  readonly done: boolean;
}

/** Reads until `isDone(value)`, the deadline, or `maxPolls` waits; never throws on its own. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  clock: PollClock,
  limits: PollLimits,
  options: PollOptions<T> = {},
): Promise<PollResult<T>> {
  const started = options.started ?? clock.now();
  let value = options.first === undefined ? await read() : options.first.value;
  for (let waits = 0; ; waits += 1) {
    if (isDone(value)) return { value, done: true };
    if (waits >= limits.maxPolls || clock.now() - started >= limits.timeoutMs) {
      return { value, done: false };
    }
    options.onWait?.(waits);
    const intervals = limits.intervalsMs;
    await clock.sleep(intervals[Math.min(waits, intervals.length - 1)] ?? 1_000);
    value = await read();
  }
}
