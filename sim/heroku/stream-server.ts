// Release output streams on their own server: on Heroku they live on another host than the
// API (heroku/cli src/lib/releases/output.ts fetches `output_stream_url` as given, without
// the API's Authorization), and answer 404 until the release command has started (the CLI
// then warns "Release command starting", src/commands/releases/rollback.ts).
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest } from '../types.js';
import type { HerokuAccount } from './account.js';
import { applyFault } from './faults.js';
import type { FaultBook } from './faults.js';

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
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const instance = new StreamServer(deps, server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => void instance.handle(req, res));
    return instance;
  }

  logSessionUrl(id: string): string {
    return `${this.url}/log-sessions/${id}`;
  }

  releaseUrl(id: string): string {
    return `${this.url}/streams/releases/${id}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const pathname = new URL(req.url ?? '/', this.url).pathname;
    const record: RecordedRequest = {
      api: 'stream',
      method,
      path: req.url ?? '/',
      headers: flatHeaders(req.headers),
      body: undefined,
      status: 0,
      receivedAt: performance.timeOrigin + performance.now(),
    };
    this.deps.onRequest(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
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
    const log = release?.output;
    if (method !== 'GET' || !release || !log || !release.outputStarted) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-cache',
    });
    const unsubscribe = log.follow(
      (line) => res.write(`${line}\n`),
      () => res.end(),
    );
    res.on('close', unsubscribe);
  }
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
