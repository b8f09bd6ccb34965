// The HTTP client of a platform adapter, set up the same way for both: one keep-alive agent
// (or the tests' dispatcher), the retry policy and clock injected, a refused token re-worded.
import { debug as coreDebug } from '@actions/core';
import type { Dispatcher } from 'undici';
import { HttpError, withTokenHint } from '../../io/errors.js';
import { HttpClient } from '../../io/http.js';
import type { HttpMethod, JsonRequestOptions, JsonResponse } from '../../io/http.js';
import { defaultRetryPolicy } from '../../io/retry.js';
import type { RetryPolicy } from '../../io/retry.js';

/** What every adapter injects into its API client. */
export interface ApiClientDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** undici dispatcher (tests: MockAgent); undefined: a keep-alive Agent of our own. */
  readonly dispatcher: Dispatcher | undefined;
  readonly retry: RetryPolicy;
  readonly random: () => number;
  readonly debug: (line: string) => void;
}

/** The real clock, a keep-alive agent of our own, the default retry policy. */
export const defaultApiClientDeps: ApiClientDeps = {
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
  now: Date.now,
  dispatcher: undefined,
  retry: defaultRetryPolicy,
  random: Math.random,
  debug: coreDebug,
};

export interface ApiClientSpec {
  readonly baseUrl: string;
  /** Who answers, as messages name it: `Heroku API`. */
  readonly service: string;
  readonly userAgent: string;
  /** Sent to the API's own origin only (the token is among them). */
  readonly apiHeaders: Readonly<Record<string, string>>;
  /** Prefix of the debug lines, e.g. `heroku`. */
  readonly debugPrefix: string;
}

export function createApiClient(spec: ApiClientSpec, deps: ApiClientDeps): HttpClient {
  return new HttpClient({
    baseUrl: spec.baseUrl,
    service: spec.service,
    userAgent: spec.userAgent,
    apiHeaders: spec.apiHeaders,
    ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
    retry: deps.retry,
    sleep: deps.sleep,
    now: deps.now,
    random: deps.random,
    debug: (line) => deps.debug(`${spec.debugPrefix}: ${line}`),
  });
}

/** One API call; a refused token (401/403) fails with a message that says what to fix. */
export type ApiCall = (
  method: HttpMethod,
  path: string,
  options?: JsonRequestOptions,
) => Promise<JsonResponse>;

export interface TokenHints {
  /** 401: the token itself is refused. */
  readonly refused: string;
  /** 403: the token is valid but may not do this. */
  readonly forbidden: string;
}

export function callWithTokenHints(client: HttpClient, hints: TokenHints): ApiCall {
  return async (method, path, options) => {
    try {
      return await client.request(method, path, options);
    } catch (error) {
      throw withTokenHint(error, hints);
    }
  };
}

/** A 404 for the app itself, re-worded to say the app does not exist (`what` says what to
 * do); anything else unchanged. */
export function withAppNotFound(error: unknown, what: string): unknown {
  if (!(error instanceof HttpError) || error.status !== 404) return error;
  return new HttpError(
    error.method,
    error.url,
    error.status,
    error.errorId,
    `${what} ${error.message}`,
  );
}
