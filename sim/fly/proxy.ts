// An app's public edge, like fly-proxy: balances requests round-robin across the app's
// machines that are started, registered and passing their checks; 503 when there is none.
// Like fly-proxy's autostop/autostart (fly.io docs, "Autostop/autostart Machines"): it stops
// machines of services with `autostop` when they have spare capacity, one per region and round
// while a region has several, the last one once it had no request for a round, down to the
// service's `min_machines_running`; and it starts a stopped machine when a request finds none
// that can serve. Fly runs that round every few minutes; the simulator every `autoStopEveryMs`.
import http from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyFault, FaultBook } from '../heroku/faults.js';
import type { FlyMachine } from './machine.js';

const UPSTREAM_TIMEOUT_MS = 30_000;
/** How long a request waits for a machine the proxy started to pass its checks. */
const AUTOSTART_WAIT_MS = 15_000;
const AUTOSTART_POLL_MS = 50;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

export class FlyProxy {
  private next = 0;
  private readonly agent = new http.Agent({ keepAlive: true });
  /** When each machine last got a request (by id). */
  private readonly lastRequest = new Map<string, number>();
  private autoStopTimer: NodeJS.Timeout | undefined;
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
    autoStopEveryMs = 0,
  ): Promise<FlyProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const proxy = new FlyProxy(server, `http://127.0.0.1:${port}/`, machines, log);
    server.on('request', (req, res) => void proxy.handle(req, res));
    if (autoStopEveryMs > 0) {
      proxy.autoStopTimer = setInterval(
        () => proxy.autoStopRound(autoStopEveryMs),
        autoStopEveryMs,
      );
      proxy.autoStopTimer.unref();
    }
    return proxy;
  }

  /** One autostop round: per region, a started auto-stop machine that has been up a whole
   * round is stopped while others serve there, or when it got no request for a round. */
  private autoStopRound(everyMs: number): void {
    const now = Date.now();
    const candidates = this.machines().filter(
      (m) => m.state === 'started' && autostopOf(m) && now - m.startedAt >= everyMs,
    );
    const running = this.machines().filter((m) => m.state === 'started' && autostopOf(m));
    let left = running.length;
    const minRunning = Math.max(0, ...running.map(minMachinesRunning));
    for (const region of new Set(candidates.map((m) => m.region))) {
      if (left <= minRunning) return;
      const here = candidates.filter((m) => m.region === region);
      const inRegion = running.filter((m) => m.region === region).length;
      const idle = here.find((m) => now - (this.lastRequest.get(m.id) ?? 0) >= everyMs);
      const victim = inRegion > 1 ? (idle ?? here[0]) : idle;
      if (victim === undefined) continue;
      left -= 1;
      this.log(`fly-proxy: autostop ${victim.id} (${region}): spare capacity`);
      void victim.stop();
    }
  }

  /** Starts a stopped machine with autostart for a request that found none serving; the
   * machine once it can serve, else undefined. */
  private async autoStart(): Promise<FlyMachine | undefined> {
    const machine = this.machines().find((m) => m.state === 'stopped' && autostartOf(m));
    if (machine === undefined) return undefined;
    this.log(`fly-proxy: autostart ${machine.id} (${machine.region}) for a request`);
    await machine.start();
    const deadline = Date.now() + AUTOSTART_WAIT_MS;
    while (!machine.routable && Date.now() < deadline && machine.state === 'started') {
      await sleep(AUTOSTART_POLL_MS);
    }
    return machine.routable ? machine : undefined;
  }

  async close(): Promise<void> {
    if (this.autoStopTimer !== undefined) clearInterval(this.autoStopTimer);
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
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (this.pick(new Set()) !== undefined) {
        this.forward(req, res, body, new Set());
        return;
      }
      void this.autoStart().then(
        () => this.forward(req, res, body, new Set()),
        () => this.forward(req, res, body, new Set()),
      );
    });
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
    this.lastRequest.set(machine.id, Date.now());
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

function servicesOf(machine: FlyMachine): Record<string, unknown>[] {
  const services = machine.config.services;
  return Array.isArray(services)
    ? services.filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
    : [];
}

function autostopOf(machine: FlyMachine): boolean {
  return servicesOf(machine).some((s) => s.autostop === 'stop' || s.autostop === 'suspend');
}

function autostartOf(machine: FlyMachine): boolean {
  return servicesOf(machine).some((s) => s.autostart === true);
}

function minMachinesRunning(machine: FlyMachine): number {
  const counts = servicesOf(machine).map((s) =>
    typeof s.min_machines_running === 'number' ? s.min_machines_running : 0,
  );
  return Math.max(0, ...counts);
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}
