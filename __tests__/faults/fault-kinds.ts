// The faults every call site is hit with, as simulator `Fault` shapes. Timings are relative
// to the short client timeouts of the harness, so a "hang" always outlasts them.
import type { Fault } from '../../sim/types.js';

export const FAULT_KINDS = [
  '500',
  '502',
  '503',
  '429',
  'reset',
  'hang',
  'malformed',
  'trickle',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Per-attempt client timeout (headers, and silence between body chunks): a local answer
 * takes milliseconds, so only a hang reaches it, even on a loaded machine. */
export const CLIENT_TIMEOUT_MS = 2_000;
/** Per-poll timeout of the health probe (a failed poll costs one interval of the probe's
 * clock, not this). */
export const PROBE_TIMEOUT_MS = 1_000;
/** Longer than either timeout: the client gives up first, so a hang costs one timeout. */
export const HANG_MS = CLIENT_TIMEOUT_MS + 500;

export type FaultShape = Omit<Fault, 'method' | 'path' | 'times'>;

/**
 * What `kind` looks like on the wire. Answers that replace the real one come before handling
 * (the request is not acted on), except where only an acted-on request can produce them: a
 * hang holds back the real answer (a write happened, its answer is lost), a malformed body
 * garbles the real answer, a trickle slows it down.
 */
export function faultShape(kind: FaultKind): FaultShape {
  switch (kind) {
    case '500':
    case '502':
    case '503':
      return { status: Number(kind), body: { id: 'server_error', message: `injected ${kind}` } };
    case '429':
      return {
        status: 429,
        body: { id: 'rate_limit', message: 'Your account reached the API rate limit' },
        headers: { 'retry-after': '1' },
      };
    case 'reset':
      return { reset: true };
    case 'hang':
      return { afterHandling: true, delayMs: HANG_MS };
    case 'malformed':
      return { afterHandling: true, rawBody: '{"id": "truncated", "status": ' };
    case 'trickle':
      return { afterHandling: true, trickle: { bytes: 48, everyMs: 15 } };
  }
}
