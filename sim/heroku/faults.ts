// Fault injection for the simulator's HTTP servers (see `Fault` in ../types.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
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

/** Applies a fault; returns true when it answered (or cut) the request itself. */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.reset) {
    req.socket.destroy();
    return true;
  }
  if (fault.status === undefined) return false;
  req.resume();
  const body = fault.body === undefined ? '' : JSON.stringify(fault.body);
  res.writeHead(fault.status, {
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...fault.headers,
  });
  res.end(body);
  return true;
}
