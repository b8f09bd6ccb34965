// Types shared by the simulator's parts (Heroku API, blob store, router, GitHub API).

/** One request an API of the simulator received, kept for assertions in tests. */
export interface RecordedRequest {
  readonly api: 'heroku' | 'blob' | 'stream' | 'github';
  readonly method: string;
  /** Path with query string, as received. */
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, when there was one. */
  readonly body: unknown;
  /** Status the simulator answered with (0 when the connection was cut on purpose). */
  status: number;
  /** When the request arrived, epoch ms (`performance.timeOrigin + performance.now()`). */
  readonly receivedAt?: number;
}

/** A fault to inject into matching requests (see `FaultHooks.inject`). */
export interface Fault {
  readonly method: string;
  /** Tested against the request path without the query string. */
  readonly path: RegExp;
  /** How many matching requests get the fault; default 1. */
  readonly times?: number;
  /** Answer with this status (and `body` as JSON) instead of handling the request. */
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (or before handling, without `status`). */
  readonly delayMs?: number;
  /** Destroy the socket instead of answering. */
  readonly reset?: boolean;
  /** Answer with this text, verbatim, as `application/json` (a malformed JSON answer); the
   * status is `status`, else 200, or the real one with `afterHandling`. */
  readonly rawBody?: string;
  /** Send the answer (the given one, else the real one) `bytes` at a time, `everyMs` apart. */
  readonly trickle?: { readonly bytes: number; readonly everyMs: number };
  /** Handle the request for real first, then shape its answer: `reset` cuts it, `delayMs`
   * holds it back, `status`/`rawBody` replace it, `trickle` slows it. The work is done; the
   * client may never learn it (a lost answer to a write). */
  readonly afterHandling?: boolean;
}

export interface FaultHooks {
  inject(fault: Fault): void;
  clear(): void;
}

/** A job of a workflow run, as a test sets it up in the GitHub simulator. */
export interface SimJob {
  readonly name: string;
  readonly status: 'queued' | 'in_progress' | 'completed' | 'waiting';
  readonly conclusion:
    | 'success'
    | 'failure'
    | 'neutral'
    | 'cancelled'
    | 'skipped'
    | 'timed_out'
    | 'action_required'
    | null;
  readonly runnerName?: string;
}

export interface RunKey {
  readonly owner: string;
  readonly repo: string;
  readonly runId: number;
  readonly attempt: number;
}
