// The simulated Machines API server (base `<url>/v1`, like https://api.machines.dev/v1) and
// the image registry flyctl pushes to, with auth, rate limits, fault injection, request
// recording and OpenAPI contract checks on every request and JSON answer.
import { FLY_LOGS_PATH } from './logs.js';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  closeServer,
  listenLocal,
  readJsonBody as readAnyJsonBody,
  recordRequest,
  sendJson as sendAnyJson,
} from '../http-server.js';
import type { Recording } from '../http-server.js';
import type { RecordedRequest } from '../types.js';
import { applyFault } from '../heroku/faults.js';
import type { FaultBook } from '../heroku/faults.js';
import { FlyApiError, ROUTES } from './api-routes.js';
import type { RouteContext } from './api-routes.js';
import type { FlyContract, OperationMatch } from './contract.js';
import { pinnedRef } from './image-store.js';
import type { ImageRecord } from './image-store.js';
import type { FlyPlatform } from './platform.js';
import type { RateLimiter } from './rate-limit.js';
import { authorizationFor } from './token.js';

export interface FlyRecordedRequest extends Omit<RecordedRequest, 'api'> {
  readonly api: 'fly' | 'fly-registry';
}

type MutableRecord = Recording<FlyRecordedRequest['api']>;

export interface FlyServerDeps {
  readonly token: string;
  readonly owner: string;
  readonly platform: FlyPlatform;
  readonly contract: FlyContract;
  readonly faults: FaultBook;
  /** Undefined: no rate limits. */
  readonly rateLimiter: RateLimiter | undefined;
  readonly onRequest: (request: FlyRecordedRequest) => void;
  readonly onViolation: (violation: string) => void;
}

const API_PREFIX = '/v1';
export const REGISTRY_PREFIX = '/registry/';
/** Header carrying an image's labels (JSON) on a registry push. */
export const IMAGE_LABELS_HEADER = 'fly-image-labels';

export class FlyServer {
  private constructor(
    private readonly deps: FlyServerDeps,
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(deps: FlyServerDeps): Promise<FlyServer> {
    const server = http.createServer();
    const instance = new FlyServer(deps, server, await listenLocal(server));
    server.on('request', (req, res) => void instance.handle(req, res));
    return instance;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const record = recordRequest<FlyRecordedRequest['api']>(
      url.pathname.startsWith(REGISTRY_PREFIX) ? 'fly-registry' : 'fly',
      req,
      res,
      this.deps.onRequest,
    );
    try {
      const fault = this.deps.faults.take(method, url.pathname);
      if (fault && (await applyFault(fault, req, res))) return;
      if (req.headers.authorization !== authorizationFor(this.deps.token)) {
        throw new FlyApiError(401, 'unauthorized');
      }
      if (record.api === 'fly-registry') return await this.handleRegistry(req, res, url);
      const logsOf = FLY_LOGS_PATH.exec(url.pathname)?.[1];
      if (logsOf !== undefined && method === 'GET') {
        // An app the token cannot see is a 404, on which flyctl stops polling (fly-go
        // error.go IsNotFoundError, flyctl logs/polling.go).
        const app = decodeURIComponent(logsOf);
        if (!this.deps.platform.findApp(app)) throw new FlyApiError(404, 'app not found');
        return sendJson(res, 200, this.deps.platform.logs.page(app, url.searchParams));
      }
      await this.handleApi(req, res, url, record);
    } catch (error) {
      req.resume();
      if (res.headersSent) {
        res.destroy();
      } else if (error instanceof FlyApiError) {
        sendJson(res, error.status, { error: error.message });
      } else {
        sendJson(res, 500, { error: `internal: ${String(error)}` });
      }
    }
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    record: MutableRecord,
  ): Promise<void> {
    const method = record.method;
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) throw new FlyApiError(404, 'not found');
    const apiPath = url.pathname.slice(API_PREFIX.length);
    const operation = this.deps.contract.match(method, apiPath);
    if (!operation) {
      const known = this.deps.contract.knowsPath(apiPath);
      this.deps.onViolation(`fly request ${method} ${url.pathname}: no such operation`);
      throw new FlyApiError(known ? 405 : 404, known ? 'method not allowed' : 'not found');
    }
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (error) {
      if (error instanceof FlyApiError) {
        this.deps.onViolation(`fly request ${method} ${url.pathname}: ${error.message}`);
      }
      throw error;
    }
    record.body = body;
    const where = `${method} ${url.pathname} (${operation.operationId})`;
    const problems = this.deps.contract.validateRequest(operation, {
      query: url.searchParams,
      headers: req.headers,
      body,
    });
    if (problems.length > 0) {
      this.deps.onViolation(`fly request ${where}: ${problems.join('; ')}`);
      throw new FlyApiError(400, `invalid request: ${problems.join('; ')}`);
    }
    const retryAfter = this.deps.rateLimiter?.take(
      operation.operationId,
      `${operation.params.app_name ?? ''}/${operation.params.machine_id ?? ''}`,
    );
    if (retryAfter) {
      sendJson(res, 429, { error: 'rate limit exceeded' }, { 'retry-after': String(retryAfter) });
      return;
    }
    const handler = ROUTES[operation.operationId];
    if (!handler) throw new FlyApiError(501, `${operation.operationId} is not simulated`);
    const context: RouteContext = { platform: this.deps.platform, owner: this.deps.owner };
    let status: number;
    let answer: unknown;
    try {
      ({ status, body: answer } = await handler(context, {
        params: operation.params,
        query: url.searchParams,
        headers: req.headers,
        body,
      }));
    } catch (error) {
      if (!(error instanceof FlyApiError)) throw error;
      status = error.status;
      answer = { error: error.message };
    }
    this.checkResponse(operation, where, status, answer);
    sendJson(res, status, answer);
  }

  private checkResponse(
    operation: OperationMatch,
    where: string,
    status: number,
    body: unknown,
  ): void {
    for (const problem of this.deps.contract.validateResponse(operation, status, body)) {
      this.deps.onViolation(`fly response ${where} ${status}: ${problem}`);
    }
  }

  /**
   * The registry flyctl's remote builder pushes to: `PUT /registry/<app>/<tag>` with a gzipped
   * tarball of the tree, `GET /registry/resolve?ref=<image ref>` to look an image up.
   */
  private async handleRegistry(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const rest = url.pathname.slice(REGISTRY_PREFIX.length);
    const method = req.method ?? 'GET';
    if (method === 'GET' && rest === 'resolve') {
      const image = this.deps.platform.images.resolve(url.searchParams.get('ref') ?? '');
      if (!image) throw new FlyApiError(404, 'manifest unknown');
      return sendJson(res, 200, registryJson(image));
    }
    const push = /^([a-z0-9-]+)\/([\w][\w.-]{0,127})$/.exec(rest);
    if (method !== 'PUT' || !push?.[1] || !push[2]) throw new FlyApiError(404, 'not found');
    if (!this.deps.platform.findApp(push[1])) {
      throw new FlyApiError(404, `app ${push[1]} not found: cannot push to its repository`);
    }
    const labels = parseLabels(req.headers[IMAGE_LABELS_HEADER]);
    let image: ImageRecord;
    try {
      image = await this.deps.platform.images.addTarball(push[1], push[2], req, labels);
    } catch (error) {
      throw new FlyApiError(400, `invalid image layer: ${String(error)}`);
    }
    sendJson(res, 201, registryJson(image));
  }
}

function registryJson(image: ImageRecord): Record<string, unknown> {
  return {
    ref: pinnedRef(image),
    registry: image.registry,
    repository: image.repository,
    tag: image.tag,
    digest: image.digest,
    labels: image.labels,
    size: image.sizeBytes,
  };
}

function parseLabels(header: string | string[] | undefined): Record<string, string> {
  if (typeof header !== 'string' || header === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    throw new FlyApiError(400, `${IMAGE_LABELS_HEADER} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FlyApiError(400, `${IMAGE_LABELS_HEADER} is not an object`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
}

/** The parsed JSON body, refused as the Machines API does. */
function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return readAnyJsonBody(req, {
    tooLarge: () => new FlyApiError(413, 'request body too large'),
    invalid: () => new FlyApiError(400, 'invalid_argument: request body is not valid JSON'),
  });
}

/** Every Machines API answer carries a request id. */
function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendAnyJson(res, status, body, {
    ...headers,
    'fly-request-id': Math.random().toString(16).slice(2, 14),
  });
}
