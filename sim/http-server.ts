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
