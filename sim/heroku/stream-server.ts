// Release output streams on their own server: on Heroku they live on another host than the
// API (heroku/cli src/lib/releases/output.ts fetches `output_stream_url` as given, without
// the API's Authorization), and answer 404 until the release command has started (the CLI
// then warns "Release command starting", src/commands/releases/rollback.ts).
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, listenLocal, recordRequest } from '../http-server.js';
import type { RecordedRequest } from '../types.js';
import type { HerokuAccount } from './account.js';
import { applyFault } from './faults.js';
import type { FaultBook } from './faults.js';
import { serveLog } from './output-log.js';

const RELEASE_STREAM_PATH = /^\/streams\/releases\/([0-9a-f-]{36})$/;
const LOG_SESSION_PATH = /^\/log-sessions\/([0-9a-f-]{36})$/;

export interface StreamServerDeps {
  readonly account: HerokuAccount;
  readonly faults: FaultBook;
  readonly onRequest: (request: RecordedRequest) => void;
}

export class StreamServer {
  private constructor(
    private readonly deps: StreamServerDeps,
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(deps: StreamServerDeps): Promise<StreamServer> {
    const server = http.createServer();
    const instance = new StreamServer(deps, server, await listenLocal(server));
    server.on('request', (req, res) => void instance.handle(req, res));
    return instance;
  }

  logSessionUrl(id: string): string {
    return `${this.url}/log-sessions/${id}`;
  }

  releaseUrl(id: string): string {
    return `${this.url}/streams/releases/${id}`;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    recordRequest('stream', req, res, this.deps.onRequest);
    const method = req.method ?? 'GET';
    const pathname = new URL(req.url ?? '/', this.url).pathname;
    const fault = this.deps.faults.take(method, pathname);
    if (fault && (await applyFault(fault, req, res))) return;
    const session = LOG_SESSION_PATH.exec(pathname)?.[1];
    const sessionText = session === undefined ? undefined : this.deps.account.logs.text(session);
    if (method === 'GET' && sessionText !== undefined) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(sessionText);
      return;
    }
    const id = RELEASE_STREAM_PATH.exec(pathname)?.[1];
    const release = id === undefined ? undefined : this.deps.account.findRelease(id);
    const started = method === 'GET' && release?.outputStarted === true;
    serveLog(res, started ? release.output : undefined);
  }
}
