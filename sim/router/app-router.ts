// One app's router: an HTTP server on 127.0.0.1 that proxies to the app's current web dyno and
// switches dynos on a new release (with or without preboot).
import http from 'node:http';
import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { applyFault, FaultBook } from '../heroku/faults.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { Dyno } from './dyno.js';
import type { ProcessRegistry } from './process-group.js';
import { APPLICATION_ERROR_PAGE, ROUTER_ERRORS } from './error-page.js';
import type { RouterErrorCode } from './error-page.js';

export interface AppRouterOptions {
  readonly appName: string;
  readonly preboot: boolean;
  readonly bootTimeoutMs: number;
  /** Preboot: how long after a release the old dynos keep getting the requests. */
  readonly prebootWindowMs: number;
  /** First cool-off before a crashed dyno restarts (see Dyno). */
  readonly crashRestartMs: number;
  readonly registry: ProcessRegistry;
  readonly log: (line: string) => void;
}

/** What the router runs for a release: the web command in its slug dir (none: no web dyno). */
export interface DeployTarget {
  readonly release: { readonly id: string; readonly version: number };
  readonly slugDir: string;
  readonly webCommand: string | undefined;
}

const ROUTER_TIMEOUT_MS = 30_000;
/** A request may find its dyno replaced while waiting; it re-picks at most this often. */
const MAX_DYNO_PICKS = 3;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

export class AppRouter {
  preboot: boolean;
  /** Faults for requests to the app's public URL (e.g. its health endpoint). */
  readonly faults = new FaultBook();
  private routed: Dyno | undefined;
  private booting: Dyno | undefined;
  private closed = false;
  /** Ends the preboot windows still running when the router closes. */
  private readonly closing = new AbortController();
  private readonly agent = new http.Agent({ keepAlive: true });

  private constructor(
    private readonly options: AppRouterOptions,
    private readonly server: http.Server,
    readonly webUrl: string,
  ) {
    this.preboot = options.preboot;
  }

  static async start(options: AppRouterOptions): Promise<AppRouter> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const router = new AppRouter(options, server, `http://127.0.0.1:${port}/`);
    server.on('request', (req, res) => void router.handle(req, res));
    return router;
  }

  /** The dyno of the newest release (the one Heroku lists), if any. */
  dynos(): Dyno[] {
    const newest = this.booting ?? this.routed;
    return newest ? [newest] : [];
  }

  /** Runs `target` and routes to it; resolves once traffic has switched. */
  async deploy(target: DeployTarget): Promise<void> {
    if (this.closed) return;
    const next =
      target.webCommand === undefined ? undefined : this.newDyno(target, target.webCommand);
    if (this.preboot) await this.deployWithPreboot(next);
    else await this.deployStopStart(next);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    const dynos = [this.routed, this.booting];
    this.routed = undefined;
    this.booting = undefined;
    await stopDynos(dynos);
    this.agent.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private newDyno(target: DeployTarget, webCommand: string): Dyno {
    return new Dyno({
      name: 'web.1',
      command: webCommand,
      slugDir: target.slugDir,
      release: target.release,
      crashRestartMs: this.options.crashRestartMs,
      registry: this.options.registry,
      log: this.options.log,
    });
  }

  /** Without preboot Heroku stops the old dyno first, so there is a gap in service. */
  private async deployStopStart(next: Dyno | undefined): Promise<void> {
    const old = [this.routed, this.booting];
    this.routed = next;
    this.booting = undefined;
    await stopDynos(old);
    if (!next) return;
    await next.start();
    await next.waitSettled(this.options.bootTimeoutMs);
  }

  /** Dev Center "Preboot": the new dynos start at once and are listed, but requests reach
   * them only when the window is over (about 3 minutes); the old ones serve until then. The
   * switch does not wait for the new dynos to be healthy. */
  private async deployWithPreboot(next: Dyno | undefined): Promise<void> {
    const superseded = this.booting;
    this.booting = next;
    await superseded?.stop();
    if (next) {
      await next.start();
      try {
        await sleep(this.options.prebootWindowMs, undefined, { signal: this.closing.signal });
      } catch {
        return; // the router closed
      }
      if (this.booting !== next) return; // a newer release took over meanwhile
    }
    const old = this.routed;
    this.routed = next;
    this.booting = undefined;
    await old?.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', this.webUrl).pathname;
    const fault = this.faults.take(req.method ?? 'GET', pathname);
    if (fault && (await applyFault(fault, req, res))) return;
    const started = Date.now();
    for (let pick = 0; pick < MAX_DYNO_PICKS; pick += 1) {
      const dyno = this.routed;
      if (!dyno) return this.fail(req, res, 'H14', started);
      const state = await dyno.waitSettled(this.options.bootTimeoutMs - (Date.now() - started));
      if (state === 'starting') return this.fail(req, res, 'H20', started);
      if (state === 'crashed') return this.fail(req, res, 'H10', started);
      if (state === 'up' && dyno.port !== undefined) return this.proxy(req, res, dyno, started);
    }
    return this.fail(req, res, 'H10', started);
  }

  private proxy(req: IncomingMessage, res: ServerResponse, dyno: Dyno, started: number): void {
    const requestId = randomUUID();
    const headers: OutgoingHttpHeaders = withoutHopByHop(req.headers);
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
    headers['x-request-id'] = requestId;
    headers['x-request-start'] = String(started);
    headers.via = '1.1 vegur';
    const upstream = http.request({
      host: '127.0.0.1',
      port: dyno.port,
      method: req.method,
      path: req.url,
      headers,
      agent: this.agent,
    });
    upstream.setTimeout(ROUTER_TIMEOUT_MS, () => upstream.destroy(new Error('H12')));
    upstream.on('response', (answer) => {
      const answerHeaders = withoutHopByHop(answer.headers);
      answerHeaders.via = '1.1 vegur';
      res.writeHead(answer.statusCode ?? 502, answerHeaders);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
      res.on('finish', () => this.logRequest(req, dyno, answer.statusCode ?? 0, started));
    });
    upstream.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      this.fail(req, res, error.message === 'H12' ? 'H12' : 'H13', started);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  private fail(
    req: IncomingMessage,
    res: ServerResponse,
    code: RouterErrorCode,
    started: number,
  ): void {
    this.options.log(
      `heroku[router]: at=error code=${code} desc="${ROUTER_ERRORS[code]}" ` +
        `method=${req.method} path="${req.url}" status=503 service=${Date.now() - started}ms`,
    );
    req.resume();
    res.writeHead(503, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache, no-store',
      via: '1.1 vegur',
    });
    res.end(APPLICATION_ERROR_PAGE);
  }

  private logRequest(req: IncomingMessage, dyno: Dyno, status: number, started: number): void {
    this.options.log(
      `heroku[router]: at=info method=${req.method} path="${req.url}" dyno=${dyno.spec.name} ` +
        `status=${status} service=${Date.now() - started}ms`,
    );
  }
}

async function stopDynos(dynos: ReadonlyArray<Dyno | undefined>): Promise<void> {
  await Promise.all(dynos.filter((dyno) => dyno !== undefined).map((dyno) => dyno.stop()));
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}
