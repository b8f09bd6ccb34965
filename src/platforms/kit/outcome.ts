// One rule for both adapters: after a write (a POST that creates or changes something) whose
// answer could not be read, may the platform have acted on it?
import { HttpError } from '../../io/errors.js';

/**
 * Only a 4xx answer says the platform did not act. A 2xx says it did, even when its body is
 * garbled or cut (the status is sent after the work); a 5xx, a 3xx or no answer at all
 * leaves it open. So the caller must read the platform's state before writing again.
 *
 * Why it matters: neither platform folds a repeated create into the first. Heroku makes a new
 * release or build for every `POST /apps/{app}/releases` and `POST /apps/{app}/builds` (Platform
 * API schema, release "Rollback" and build "Create" links: no idempotency key); Fly makes a new
 * machine, with a generated name, for every `POST /v1/apps/{app}/machines` (Machines API docs,
 * "Create a Machine": `name` optional). Sending it again on a wrong "it did not act" does the
 * work twice.
 */
export function platformMayHaveActed(error: unknown): boolean {
  return !(error instanceof HttpError && error.status >= 400 && error.status < 500);
}
