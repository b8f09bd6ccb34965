// An app's public edge, like fly-proxy: balances requests round-robin across the app's
// machines that are started, registered and passing their checks; 503 when there is none.
import http from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { applyFault, FaultBook } from '../heroku/faults.js';
import type { FlyMachine } from './machine.js';

const UPSTREAM_TIMEOUT_MS = 30_000;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

export class FlyProxy {
  private next = 0;
  private readonly agent = new http.Agent({ keepAlive: true });
  /** Faults for requests to the app's public URL (e.g. its health endpoint). */
  readonly faults = new FaultBook();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly machines: () => readonly FlyMachine[],
    private readonly log: (line: string) => void,
  ) {}

  static async start(
    machines: () => readonly FlyMachine[],
    log: (line: string) => void,
  ): Promise<FlyProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const proxy = new FlyProxy(server, `http://127.0.0.1:${port}/`, machines, log);
    server.on('request', (req, res) => void proxy.handle(req, res));
    return proxy;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The next healthy machine in round-robin order, skipping `tried`. */
  private pick(tried: ReadonlySet<string>): FlyMachine | undefined {
    const healthy = this.machines().filter((m) => m.routable && !tried.has(m.id));
    if (healthy.length === 0) return undefined;
    const machine = healthy[this.next % healthy.length];
    this.next = (this.next + 1) % 1_000_000;
    return machine;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', this.url).pathname;
    const fault = this.faults.take(req.method ?? 'GET', pathname);
    try {
      if (fault && (await applyFault(fault, req, res))) return;
    } catch {
      res.destroy();
      return;
    }
    // The body is buffered so a request can be retried on another machine.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.forward(req, res, Buffer.concat(chunks), new Set()));
  }

  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    tried: Set<string>,
  ): void {
    const machine = this.pick(tried);
    const requestId = `${randomBytes(10).toString('hex')}-ams`;
    if (!machine || machine.port === undefined) {
      this.log(`fly-proxy: no healthy machine for ${req.method} ${req.url}`);
      res.writeHead(503, {
        'content-type': 'text/plain; charset=utf-8',
        server: 'Fly/sim',
        via: '1.1 fly.io',
        'fly-request-id': requestId,
      });
      res.end('no known healthy instances found for route\n');
      return;
    }
    tried.add(machine.id);
    const headers: OutgoingHttpHeaders = withoutHopByHop(req.headers);
    headers['fly-client-ip'] = req.socket.remoteAddress ?? '127.0.0.1';
    headers['fly-forwarded-proto'] = 'http';
    headers['fly-request-id'] = requestId;
    headers['fly-region'] = machine.region;
    headers.via = '1.1 fly.io';
    const upstream = http.request({
      host: '127.0.0.1',
      port: machine.port,
      method: req.method,
      path: req.url,
      headers,
      agent: this.agent,
    });
    upstream.setTimeout(UPSTREAM_TIMEOUT_MS, () => upstream.destroy(new Error('timeout')));
    upstream.on('response', (answer) => {
      const answerHeaders = withoutHopByHop(answer.headers);
      answerHeaders.server = 'Fly/sim';
      answerHeaders.via = '1.1 fly.io';
      answerHeaders['fly-request-id'] = requestId;
      res.writeHead(answer.statusCode ?? 502, answerHeaders);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Like fly-proxy, a machine that refuses the connection is retried on another.
      this.forward(req, res, body, tried);
    });
    upstream.end(body);
  }
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}
