// One request through the GitHub simulator: record, faults, auth, rate limit, permission,
// contract check, handler, response check.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault } from '../heroku/faults.js';
import type { RecordedRequest } from '../types.js';
import { githubError, invalidRequest, notFound } from './errors.js';
import type { SimResponse } from './errors.js';
import type { FaultList } from './faults.js';
import { loadGitHubContract, templatePattern } from './openapi.js';
import type { GitHubContract, OperationContract } from './openapi.js';
import type { RateLimit } from './rate-limit.js';
import type { Permission, Route } from './routes.js';

export interface GitHubServerState {
  readonly token: string;
  readonly routes: readonly Route[];
  readonly faults: FaultList;
  readonly denied: ReadonlySet<Permission>;
  readonly rateLimit: RateLimit;
  readonly requests: RecordedRequest[];
  readonly violations: string[];
  readonly onRequest: ((r: RecordedRequest) => void) | undefined;
  baseUrl(): string;
  sleep(ms: number): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const RATE_LIMIT_DOCS =
  'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

const compiledRoutes = new WeakMap<Route, RegExp>();

export async function handleGitHubRequest(
  state: GitHubServerState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const receivedAt = performance.timeOrigin + performance.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const target = new URL(req.url ?? '/', 'http://sim.invalid');
  const pathname = target.pathname;
  const raw = await readBody(req);
  const body = parseJson(raw);

  const recorded: RecordedRequest = {
    api: 'github',
    method,
    path: req.url ?? '/',
    headers: flatHeaders(req),
    body: body.ok ? body.value : undefined,
    status: 0,
    receivedAt,
  };
  state.requests.push(recorded);
  const finish = (status: number) => {
    recorded.status = status;
    state.onRequest?.(recorded);
  };

  const fault = state.faults.take(method, pathname);
  const shaped = fault?.afterHandling === true || fault?.rawBody !== undefined || !!fault?.trickle;
  if (fault && shaped) {
    // Malformed, trickled or after-handling answers: shaped like the Heroku API's.
    if (await applyFault(fault, req, res, (ms) => state.sleep(ms))) {
      finish(res.headersSent ? res.statusCode : 0);
      return;
    }
  } else {
    if (fault?.delayMs) await state.sleep(fault.delayMs);
    if (fault?.reset) {
      req.socket.destroy();
      finish(0);
      return;
    }
    if (fault?.status !== undefined) {
      send(res, state, { status: fault.status, body: fault.body, headers: fault.headers });
      finish(fault.status);
      return;
    }
  }

  const found = matchRoute(state.routes, method, pathname);
  let contract: GitHubContract | undefined;
  let op: OperationContract | undefined;
  const violation = (what: string) =>
    state.violations.push(`${method} ${recorded.path}${op ? ` (${op.operationId})` : ''}: ${what}`);

  const answer = async (): Promise<SimResponse> => {
    if (!authorized(req, state.token)) return githubError(401, 'Bad credentials');
    if (!state.rateLimit.take()) {
      return githubError(403, 'API rate limit exceeded for installation.', RATE_LIMIT_DOCS);
    }
    contract = await loadGitHubContract(state.routes.map((r) => `${r.method} ${r.template}`));
    if (!found) {
      if (!contract.hasRoute(method, pathname)) violation("no such operation in GitHub's API");
      return notFound();
    }
    const { route, pathParams } = found;
    op = contract.operation(route.method, route.template);
    if (state.denied.has(route.permission)) {
      return githubError(403, 'Resource not accessible by integration', op.docsUrl, {
        'x-accepted-github-permissions': `${route.permission}=${route.access}`,
      });
    }
    if (!body.ok) return githubError(400, 'Problems parsing JSON', op.docsUrl);
    const check = contract.checkRequest(op, pathParams, target.searchParams, body.value);
    if (check.problems.length > 0) {
      for (const problem of check.problems) violation(`request: ${problem}`);
      return invalidRequest(check.problems, op.docsUrl);
    }
    return route.handle({
      baseUrl: state.baseUrl(),
      pathname,
      query: target.searchParams,
      params: check.params,
      body: body.value,
      docsUrl: op.docsUrl,
    });
  };

  const response = await answer();
  if (contract && op) {
    for (const problem of contract.checkResponse(op, response.status, response.body)) {
      violation(`response ${response.status}: ${problem}`);
    }
  }
  send(res, state, response);
  finish(response.status);
}

function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; pathParams: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    let pattern = compiledRoutes.get(route);
    if (!pattern) {
      pattern = templatePattern(route.template);
      compiledRoutes.set(route, pattern);
    }
    const match = pattern.exec(pathname);
    if (!match) continue;
    const names = [...route.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
    const pathParams: Record<string, string> = {};
    names.forEach((name, i) => (pathParams[name] = decodeURIComponent(match[i + 1] ?? '')));
    return { route, pathParams };
  }
  return undefined;
}

function authorized(req: IncomingMessage, token: string): boolean {
  const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1] === token;
}

function send(res: ServerResponse, state: GitHubServerState, response: SimResponse): void {
  const payload = response.body === undefined ? '' : JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
    ...state.rateLimit.headers(),
    ...response.headers,
  });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    // Past the cap the body is unusable anyway; stop buffering and let parsing fail.
    if (size > MAX_BODY_BYTES) return '\u0000';
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  if (raw.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
