// Small HTTP helpers for the simulated Heroku API: JSON bodies and Heroku-style errors.
import type { IncomingMessage } from 'node:http';
import { readJsonBody as readAnyJsonBody } from '../http-server.js';

/** An error the API answers with, as `{id, message}` like Heroku. */
export class HerokuApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

/** The parsed JSON body, or undefined when the request has none; refused as Heroku does. */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return readAnyJsonBody(req, {
    tooLarge: () =>
      new HerokuApiError(413, 'request_entity_too_large', 'Request body is too large.'),
    invalid: () => new HerokuApiError(400, 'bad_request', 'Invalid JSON in the request body.'),
  });
}

export { sendJson } from '../http-server.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
