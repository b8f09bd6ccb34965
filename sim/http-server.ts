// What every simulated API server does the same way: listen on 127.0.0.1 on a random port,
// close with its connections, and record each request (method, path, headers, the parsed
// body once known, the status once answered) before its handler runs.
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest } from './types.js';

/** A record whose body and status the server fills in as the request goes on. */
export type Recording<Api extends string> = {
  -readonly [K in keyof RecordedRequest]: K extends 'api' ? Api : RecordedRequest[K];
};

/** Listens on a random port of 127.0.0.1; resolves with the server's base URL. */
export async function listenLocal(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Closes the server and every connection still open (kept-alive ones included). */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Records `req` through `onRequest` at once; its status is filled in when the answer ends. */
export function recordRequest<Api extends string>(
  api: Api,
  req: IncomingMessage,
  res: ServerResponse,
  onRequest: (record: Recording<Api>) => void,
): Recording<Api> {
  const record: Recording<Api> = {
    api,
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: flattenHeaders(req.headers),
    body: undefined,
    status: 0,
    receivedAt: performance.timeOrigin + performance.now(),
  };
  onRequest(record);
  res.on('finish', () => {
    record.status = res.statusCode;
  });
  return record;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** How a platform words the two ways a JSON request body can be refused. */
export interface JsonBodyErrors {
  readonly tooLarge: () => Error;
  readonly invalid: () => Error;
}

const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** The parsed JSON body, or undefined when the request has none. */
export async function readJsonBody(req: IncomingMessage, errors: JsonBodyErrors): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_JSON_BODY_BYTES) throw errors.tooLarge();
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw errors.invalid();
  }
}

/** A JSON answer with its length, so a client sees where the body ends. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
