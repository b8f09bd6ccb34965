// Fault injection for the simulator's HTTP servers (see `Fault` in ../types.ts): the Heroku
// API and blob store, each app's router and the GitHub API all apply faults through here.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault, FaultHooks } from '../types.js';

export class FaultBook implements FaultHooks {
  private entries: Array<{ readonly fault: Fault; remaining: number }> = [];

  inject(fault: Fault): void {
    this.entries.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.entries = [];
  }

  /** The first fault matching the request, counting it as used. */
  take(method: string, pathname: string): Fault | undefined {
    for (const entry of this.entries) {
      if (entry.remaining <= 0 || entry.fault.method.toUpperCase() !== method.toUpperCase()) {
        continue;
      }
      entry.fault.path.lastIndex = 0; // a /g regex would otherwise remember its last match
      if (!entry.fault.path.test(pathname)) continue;
      entry.remaining -= 1;
      return entry.fault;
    }
    return undefined;
  }
}

export type Sleep = (ms: number) => Promise<void>;

const defaultSleep: Sleep = (ms) => sleep(ms);

function clientGone(req: IncomingMessage, res: ServerResponse): boolean {
  return res.destroyed || req.socket.destroyed;
}

/** Applies a fault; returns true when it answered (or cut) the request itself, false when the
 * handler must run (its answer is then shaped by the fault: trickled, held, cut, replaced). */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  wait: Sleep = defaultSleep,
): Promise<boolean> {
  if (fault.afterHandling === true) {
    shapeAnswer(fault, req, res, wait);
    return false;
  }
  if (fault.delayMs) {
    await wait(fault.delayMs);
    // Like a proxy in front of a queue: a request whose client gave up while it waited is
    // dropped, not acted on behind the client's back (`afterHandling` models the other case).
    if (clientGone(req, res)) {
      req.socket.destroy();
      return true;
    }
  }
  if (fault.reset) {
    req.socket.destroy();
    return true;
  }
  if (fault.status === undefined && fault.rawBody === undefined) {
    if (fault.trickle) shapeAnswer({ ...fault, delayMs: undefined }, req, res, wait);
    return false;
  }
  req.resume();
  const text = faultBody(fault);
  const headers: OutgoingHttpHeaders = {
    ...(text ? { 'content-type': 'application/json' } : {}),
    ...fault.headers,
  };
  await sendSlowly(realMethods(res), req, res, fault.status ?? 200, headers, text, fault, wait);
  return true;
}

function faultBody(fault: Fault): string {
  return fault.rawBody ?? (fault.body === undefined ? '' : JSON.stringify(fault.body));
}

interface ResponseMethods {
  writeHead(status: number, headers: OutgoingHttpHeaders): void;
  write(chunk: Buffer): void;
  end(): void;
}

function realMethods(res: ServerResponse): ResponseMethods {
  const writeHead = res.writeHead.bind(res);
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  return {
    writeHead: (status, headers) => void writeHead(status, headers),
    write: (chunk) => void write(chunk),
    end: () => void end(),
  };
}

/** Head, then the body `trickle.bytes` at a time with `trickle.everyMs` in between. */
async function sendSlowly(
  real: ResponseMethods,
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string | Buffer,
  fault: Fault,
  wait: Sleep,
): Promise<void> {
  real.writeHead(status, headers);
  await writeSlowly(real, req, res, Buffer.from(body), fault, wait);
  if (!clientGone(req, res)) real.end();
}

async function writeSlowly(
  real: ResponseMethods,
  req: IncomingMessage,
  res: ServerResponse,
  data: Buffer,
  fault: Fault,
  wait: Sleep,
): Promise<void> {
  const step = Math.max(1, fault.trickle?.bytes ?? data.length);
  for (let offset = 0; offset < data.length; offset += step) {
    if (clientGone(req, res)) return;
    if (offset > 0 && fault.trickle) await wait(fault.trickle.everyMs);
    real.write(data.subarray(offset, offset + step));
  }
}

type Variadic<R> = (...args: unknown[]) => R;

/**
 * Lets the handler answer as usual while the fault decides what reaches the client and when:
 * the handler's writeHead/write/end are captured, then replayed (held back, trickled,
 * replaced or cut). Streaming answers (build output) flow through as they are written.
 */
function shapeAnswer(fault: Fault, req: IncomingMessage, res: ServerResponse, wait: Sleep): void {
  const real = realMethods(res);
  const chunks: Buffer[] = [];
  let head: { status: number; headers: OutgoingHttpHeaders } | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const until = async (ready: () => boolean): Promise<void> => {
    // Every change of state calls notify(); the client leaving ends the wait too.
    while (!ready() && !clientGone(req, res)) await new Promise<void>((r) => (wake = r));
  };
  const headNow = (): void => {
    head ??= { status: res.statusCode, headers: res.getHeaders() };
  };
  const patched = res as unknown as {
    writeHead: Variadic<ServerResponse>;
    write: Variadic<boolean>;
    end: Variadic<ServerResponse>;
  };
  patched.writeHead = (status, ...rest) => {
    const headers = rest.find((arg): arg is OutgoingHttpHeaders => typeof arg === 'object');
    head = { status: Number(status), headers: { ...res.getHeaders(), ...headers } };
    notify();
    return res;
  };
  const take = (args: unknown[]): void => {
    const [chunk] = args;
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    const callback = args.find((arg): arg is () => void => typeof arg === 'function');
    if (callback) process.nextTick(callback);
  };
  patched.write = (...args) => {
    headNow();
    take(args);
    notify();
    return true;
  };
  patched.end = (...args) => {
    headNow();
    take(args);
    ended = true;
    notify();
    return res;
  };
  res.on('close', notify);

  const pump = async (): Promise<void> => {
    await until(() => head !== undefined);
    if (head === undefined || clientGone(req, res)) return;
    if (fault.reset) {
      req.socket.destroy();
      return;
    }
    if (fault.delayMs) await wait(fault.delayMs);
    if (fault.status !== undefined || fault.rawBody !== undefined) {
      await until(() => ended);
      if (clientGone(req, res)) return;
      const headers: OutgoingHttpHeaders = { ...head.headers, ...fault.headers };
      delete headers['content-length'];
      headers['content-type'] = 'application/json';
      const status = fault.status ?? head.status;
      await sendSlowly(real, req, res, status, headers, faultBody(fault), fault, wait);
      return;
    }
    if (clientGone(req, res)) return;
    real.writeHead(head.status, head.headers);
    // Bounded by what the handler writes: it ends, or the client leaves.
    for (let sent = 0; ;) {
      while (sent < chunks.length) {
        const chunk = chunks[sent] ?? Buffer.alloc(0);
        sent += 1;
        await writeSlowly(real, req, res, chunk, fault, wait);
      }
      if (clientGone(req, res)) return;
      if (ended) break;
      await until(() => ended || sent < chunks.length);
    }
    real.end();
  };
  void pump().catch(() => res.destroy());
}
