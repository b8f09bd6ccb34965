// A small JSON client for the platform APIs over one keep-alive undici Agent, with timeouts,
// safe retries, error messages that name the request, plus streaming GET and file PUT.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { HttpError, errorMessage } from './errors.js';
import {
  describeFailure,
  firstValues,
  lowerKeys,
  readErrorDetail,
  safeUrl,
  toBytes,
} from './http-answer.js';
import type { Failure } from './http-answer.js';
import { defaultRetryPolicy, nextRetry, parseRetryAfterMs } from './retry.js';
import type { RetryPolicy } from './retry.js';
import { lineSplitter } from './tail-buffer.js';

export interface HttpClientOptions {
  /** Origin (and optional base path) of the API, without a trailing slash. */
  readonly baseUrl: string;
  /** Who answers, as messages name it: `Heroku API`. */
  readonly service: string;
  /** Sent only to the API's own origin (credentials live here), never to foreign URLs. */
  readonly apiHeaders?: Readonly<Record<string, string>>;
  readonly userAgent: string;
  /** Injected dispatcher (tests: MockAgent); when absent the client owns a keep-alive Agent. */
  readonly dispatcher?: Dispatcher;
  /** Per attempt, headers and body included. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  /** One line per attempt; never carries header values or query strings. */
  readonly debug?: (line: string) => void;
}

export interface JsonResponse {
  readonly status: number;
  /** Lower-cased names, first value of each. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: unknown;
}

export interface JsonRequestOptions {
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export interface StreamLinesOptions {
  /** The whole stream, connection included, ends by then. */
  readonly deadlineMs: number;
  /** Longest silence between two chunks. */
  readonly idleTimeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PutFileOptions {
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'POST' | 'PATCH';

interface Attempt {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers: Record<string, string>;
  /** Called once per attempt so a stream body is reopened for a replay. */
  readonly makeBody: () => string | Readable | undefined;
  /** Whether repeating the request cannot do the work twice. */
  readonly idempotent: boolean;
  readonly timeoutMs: number;
  /** Replaces the per-attempt timeout: the caller keeps reading the body afterwards. */
  readonly signal?: AbortSignal;
  readonly idleTimeoutMs?: number;
}

const defaultTimeoutMs = 30_000;
const uploadTimeoutMs = 15 * 60_000;

const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownedAgent: Agent | undefined;
  private readonly apiOrigin: string;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly debug: (line: string) => void;

  constructor(private readonly options: HttpClientOptions) {
    this.apiOrigin = new URL(options.baseUrl).origin;
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher;
    } else {
      this.ownedAgent = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: 10_000 } });
      this.dispatcher = this.ownedAgent;
    }
    this.policy = options.retry ?? defaultRetryPolicy;
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.debug = options.debug ?? (() => undefined);
  }

  /** A JSON request to the API (`/path`) or an absolute URL; any 2xx resolves. */
  async request(
    method: HttpMethod,
    pathOrUrl: string,
    options: JsonRequestOptions = {},
  ): Promise<JsonResponse> {
    const url = this.resolve(pathOrUrl);
    const json = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers = this.headersFor(url, options.headers);
    if (json !== undefined) headers['content-type'] = 'application/json';
    return this.send(
      {
        method,
        url,
        headers,
        makeBody: () => json,
        // A JSON string body is replayable, so PUT counts as idempotent here.
        idempotent: method !== 'POST' && method !== 'PATCH',
        timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? defaultTimeoutMs,
      },
      async (response) => ({
        status: response.statusCode,
        headers: firstValues(response.headers),
        body: await this.readJson(method, url, response),
      }),
    );
  }

  /** Text lines of a GET body as they arrive (build output); throws at the deadline. */
  async *streamLines(pathOrUrl: string, options: StreamLinesOptions): AsyncGenerator<string> {
    const url = this.resolve(pathOrUrl);
    const signal = AbortSignal.timeout(options.deadlineMs);
    const response = await this.send(
      {
        method: 'GET',
        url,
        headers: this.headersFor(url, options.headers),
        makeBody: () => undefined,
        idempotent: true,
        timeoutMs: options.deadlineMs,
        signal,
        idleTimeoutMs: options.idleTimeoutMs ?? 5 * 60_000,
      },
      (answer) => Promise.resolve(answer),
    );
    // Lines are capped, and so is a line still waiting for its break (tail-buffer.ts).
    const ready: string[] = [];
    const lines = lineSplitter((line) => ready.push(line));
    let finished = false;
    try {
      for await (const chunk of response.body) {
        lines.push(toBytes(chunk));
        yield* ready.splice(0);
      }
      lines.end();
      yield* ready.splice(0);
      finished = true;
    } catch (error) {
      const why = signal.aborted
        ? `deadline of ${options.deadlineMs} ms reached`
        : `interrupted: ${describeFailure(error)}`;
      throw new HttpError(
        'GET',
        safeUrl(url),
        response.statusCode,
        undefined,
        `${this.serviceFor(url)} stream ${why} (GET ${url.pathname})`,
      );
    } finally {
      // The consumer may stop early: free the connection instead of leaving it half read.
      if (!finished) response.body.destroy();
    }
  }

  /** Streams a file as the body of a PUT (presigned upload): Content-Length, no Content-Type. */
  async putFile(pathOrUrl: string, filePath: string, options: PutFileOptions = {}): Promise<void> {
    const url = this.resolve(pathOrUrl);
    const { size } = await stat(filePath);
    const headers = this.headersFor(url, options.headers);
    headers['content-length'] = String(size);
    let current: Readable | undefined;
    try {
      await this.send(
        {
          method: 'PUT',
          url,
          headers,
          makeBody: () => {
            current?.destroy();
            current = createReadStream(filePath);
            return current;
          },
          idempotent: true,
          timeoutMs: options.timeoutMs ?? uploadTimeoutMs,
        },
        async (response) => {
          await response.body.dump();
        },
      );
    } finally {
      current?.destroy();
    }
  }

  /** Closes the keep-alive connections of the Agent this client created. */
  async close(): Promise<void> {
    await this.ownedAgent?.close();
  }

  private resolve(pathOrUrl: string): URL {
    if (pathOrUrl.startsWith('/')) return new URL(`${this.options.baseUrl}${pathOrUrl}`);
    return new URL(pathOrUrl);
  }

  private headersFor(
    url: URL,
    extra: Readonly<Record<string, string>> | undefined,
  ): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent };
    if (url.origin === this.apiOrigin) Object.assign(headers, lowerKeys(this.options.apiHeaders));
    Object.assign(headers, lowerKeys(extra));
    return headers;
  }

  private serviceFor(url: URL): string {
    return url.origin === this.apiOrigin ? this.options.service : url.host;
  }

  /** Runs the attempts of one request; `consume` turns a 2xx answer into the result. */
  private async send<T>(
    attempt: Attempt,
    consume: (response: Dispatcher.ResponseData) => Promise<T>,
  ): Promise<T> {
    const started = this.now();
    for (let count = 1; ; count += 1) {
      const outcome = await this.tryOnce(attempt, consume, count);
      if (outcome.kind === 'answered') return outcome.value;
      const decision = nextRetry(
        count,
        this.now() - started,
        this.policy,
        outcome.retryAfterMs,
        this.random,
      );
      if (!decision.retry) throw requestError(attempt, outcome.failure, decision.reason);
      await this.sleep(decision.delayMs);
    }
  }

  /** One attempt: the result, a failure worth retrying, or a thrown HttpError. */
  private async tryOnce<T>(
    attempt: Attempt,
    consume: (response: Dispatcher.ResponseData) => Promise<T>,
    count: number,
  ): Promise<AttemptOutcome<T>> {
    const { method, url } = attempt;
    const attemptStart = this.now();
    const body = attempt.makeBody();
    try {
      const response = await request(url, {
        dispatcher: this.dispatcher,
        method,
        headers: attempt.headers,
        body: body ?? null,
        signal: attempt.signal ?? AbortSignal.timeout(attempt.timeoutMs),
        headersTimeout: attempt.timeoutMs,
        bodyTimeout: attempt.idleTimeoutMs ?? attempt.timeoutMs,
      });
      const status = response.statusCode;
      this.debug(
        `${method} ${url.pathname} -> ${status} in ${this.now() - attemptStart} ms ` +
          `(attempt ${count})`,
      );
      if (status < 200 || status >= 300) return await this.refused(attempt, response);
      try {
        return { kind: 'answered', value: await consume(response) };
      } catch (error) {
        // A garbled answer to a read is read again; to a write, the caller must check.
        if (error instanceof HttpError && !attempt.idempotent) throw error;
        throw new TransportFailure(error);
      }
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (body !== undefined && typeof body !== 'string') body.destroy();
      const cause = error instanceof TransportFailure ? error.cause : error;
      this.debug(
        `${method} ${url.pathname} failed in ${this.now() - attemptStart} ms ` +
          `(attempt ${count}): ${describeFailure(cause)}`,
      );
      const aborted = attempt.signal?.aborted === true;
      const reason = aborted ? 'deadline reached' : describeFailure(cause);
      const failure: Failure = {
        status: 0,
        errorId: undefined,
        summary: `${this.serviceFor(url)} request failed: ${reason}`,
      };
      if (aborted) throw requestError(attempt, failure);
      if (!attempt.idempotent) {
        throw requestError(attempt, failure, 'not repeated, the platform may have processed it');
      }
      return { kind: 'retry', failure, retryAfterMs: undefined };
    }
  }

  /** A non-2xx answer: thrown unless it is one worth retrying. */
  private async refused(
    attempt: Attempt,
    response: Dispatcher.ResponseData,
  ): Promise<AttemptOutcome<never>> {
    const status = response.statusCode;
    const detail = await readErrorDetail(response.body);
    const text = detail.message ?? (detail.id ? undefined : response.statusText);
    const failure: Failure = {
      status,
      errorId: detail.id,
      summary:
        `${this.serviceFor(attempt.url)} answered ${status}${detail.id ? ` ${detail.id}` : ''}` +
        `${text ? `: ${text}` : ''}`,
    };
    // 429 means the request was not processed; anything else is only safe to repeat
    // when doing it twice cannot do the work twice.
    const retryable = status === 429 || (attempt.idempotent && status >= 500);
    if (!retryable) throw requestError(attempt, failure);
    const retryAfterMs =
      status === 429 || status === 503
        ? parseRetryAfterMs(response.headers['retry-after'], this.now())
        : undefined;
    return { kind: 'retry', failure, retryAfterMs };
  }

  private async readJson(
    method: string,
    url: URL,
    response: Dispatcher.ResponseData,
  ): Promise<unknown> {
    const text = await response.body.text();
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HttpError(
        method,
        safeUrl(url),
        response.statusCode,
        undefined,
        `${this.serviceFor(url)} answered ${response.statusCode} with a body that is not JSON ` +
          `(${method} ${url.pathname})`,
      );
    }
  }
}

type AttemptOutcome<T> =
  | { readonly kind: 'answered'; readonly value: T }
  | {
      readonly kind: 'retry';
      readonly failure: Failure;
      readonly retryAfterMs: number | undefined;
    };

function requestError(attempt: Attempt, failure: Failure, note?: string): HttpError {
  const { method, url } = attempt;
  return new HttpError(
    method,
    safeUrl(url),
    failure.status,
    failure.errorId,
    `${failure.summary} (${method} ${url.pathname}${note ? `; ${note}` : ''})`,
  );
}

/** A failure while reading a 2xx body: a transport problem, retried like a reset. */
class TransportFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(errorMessage(cause));
  }
}
