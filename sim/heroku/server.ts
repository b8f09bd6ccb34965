// The simulated Heroku HTTP server: Platform API, source blob store and output streams on one
// port, with request recording, fault injection and contract checks.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { HerokuContract } from '../contract/heroku-schema.js';
import { closeServer, listenLocal, recordRequest } from '../http-server.js';
import type { Recording } from '../http-server.js';
import type { RecordedRequest } from '../types.js';
import type { HerokuAccount } from './account.js';
import { findRoute } from './api-routes.js';
import type { ApiContext } from './api-routes.js';
import { BLOB_PREFIX } from './blob-store.js';
import type { BlobStore } from './blob-store.js';
import { applyFault } from './faults.js';
import type { FaultBook } from './faults.js';
import { HerokuApiError, readJsonBody, sendJson } from './http-io.js';
import { serveLog } from './output-log.js';
import type { RateLimiter } from './rate-limit.js';
import type { StreamUrls } from './objects.js';

const API_VERSION_ACCEPT = /^application\/vnd\.heroku\+json;\s*version=3(\.[a-z-]+)?\s*$/i;
const STREAM_PATH = /^\/streams\/(builds)\/([0-9a-f-]{36})$/;

export interface HerokuServerDeps {
  readonly token: string;
  readonly account: HerokuAccount;
  readonly blobs: BlobStore;
  readonly contract: HerokuContract;
  readonly faults: FaultBook;
  readonly onRequest: (request: RecordedRequest) => void;
  readonly onViolation: (violation: string) => void;
  /** Release output streams live on another host (see stream-server.ts). */
  readonly releaseStreamUrl: (id: string) => string;
  /** Log sessions too (see log-sessions.ts). */
  readonly logSessionUrl: (id: string) => string;
  readonly rateLimit: RateLimiter;
}

type MutableRecord = Recording<'heroku' | 'blob'>;

export class HerokuServer {
  private constructor(
    private readonly deps: HerokuServerDeps,
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(deps: HerokuServerDeps): Promise<HerokuServer> {
    const server = http.createServer();
    const instance = new HerokuServer(deps, server, await listenLocal(server));
    server.on('request', (req, res) => void instance.handle(req, res));
    return instance;
  }

  readonly streamUrls: StreamUrls = {
    build: (id) => `${this.url}/streams/builds/${id}`,
    release: (id) => this.deps.releaseStreamUrl(id),
    logSession: (id) => this.deps.logSessionUrl(id),
  };

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const record = recordRequest<'heroku' | 'blob'>(
      url.pathname.startsWith(BLOB_PREFIX) ? 'blob' : 'heroku',
      req,
      res,
      this.deps.onRequest,
    );
    try {
      const fault = this.deps.faults.take(method, url.pathname);
      if (fault && (await applyFault(fault, req, res))) return;
      if (record.api === 'blob') return await this.deps.blobs.handle(req, res, url);
      const stream = STREAM_PATH.exec(url.pathname);
      if (stream && method === 'GET') return this.streamOutput(res, stream[1], stream[2]);
      await this.handleApi(req, res, url, record);
    } catch (error) {
      if (!res.headersSent) {
        sendJson(res, 500, { id: 'internal_server_error', message: String(error) });
      } else res.destroy();
    }
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    record: MutableRecord,
  ): Promise<void> {
    const limit = this.deps.rateLimit.take(req.headers.authorization ?? '');
    const headers = {
      'request-id': randomUUID(),
      'ratelimit-remaining': String(limit.remaining),
    };
    const method = record.method;
    try {
      if (!limit.allowed) {
        // Platform API reference, Rate Limits: 429 with the error id `rate_limit`.
        throw new HerokuApiError(
          429,
          'rate_limit',
          'Your account reached the API rate limit. Please wait a few minutes before making ' +
            'new requests',
        );
      }
      if (!API_VERSION_ACCEPT.test(req.headers.accept ?? '')) {
        throw new HerokuApiError(
          400,
          'missing_version',
          "Please specify a version along with Heroku's API MIME type. For example, " +
            '`Accept: application/vnd.heroku+json; version=3`.',
        );
      }
      if (req.headers.authorization !== `Bearer ${this.deps.token}`) {
        throw new HerokuApiError(401, 'unauthorized', 'Invalid credentials provided.');
      }
      const found = findRoute(method, url.pathname);
      if (!found) {
        throw new HerokuApiError(
          404,
          'not_found',
          'The requested API endpoint was not found. Are you using the right HTTP verb (i.e. ' +
            '`GET` vs. `POST`), and did you specify your intended version with the `Accept` ' +
            'header?',
        );
      }
      const body = method === 'GET' ? undefined : await readJsonBody(req);
      record.body = body;
      const link = found.route.link(body);
      const where = `${method} ${url.pathname} (${link.resource} ${link.title})`;
      const problems = this.deps.contract.validateRequest(link, body ?? {});
      if (problems.length > 0) {
        this.deps.onViolation(`heroku request ${where}: ${problems.join('; ')}`);
        throw new HerokuApiError(422, 'invalid_params', `Invalid params: ${problems.join('; ')}`);
      }
      const context: ApiContext = {
        account: this.deps.account,
        blobs: this.deps.blobs,
        urls: this.streamUrls,
        baseUrl: this.url,
      };
      const answer = await found.route.handle(context, {
        params: found.params,
        body,
        headers: req.headers,
      });
      for (const problem of this.deps.contract.validateResponse(link, answer.body)) {
        this.deps.onViolation(`heroku response ${where}: ${problem}`);
      }
      sendJson(res, answer.status, answer.body, { ...headers, ...answer.headers });
    } catch (error) {
      if (!(error instanceof HerokuApiError)) throw error;
      req.resume();
      sendJson(res, error.status, { id: error.id, message: error.message }, headers);
    }
  }

  /** Streams an output log as text/plain, line by line, ending when the log ends. */
  private streamOutput(res: ServerResponse, kind: string | undefined, id = ''): void {
    const build = kind === 'builds' ? this.deps.account.findBuild(id) : undefined;
    serveLog(res, build?.output);
  }
}
