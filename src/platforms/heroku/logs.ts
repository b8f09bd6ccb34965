// The app's own last lines through a log session (Platform API "Log Session Create"): the
// API answers a `logplex_url` on another host, read with a plain GET that carries no token
// (the client only authorizes its own origin).
import type { HttpClient } from '../../io/http.js';
import { TailBuffer } from '../../io/tail-buffer.js';

export async function herokuAppLogs(
  client: HttpClient,
  app: string,
  maxLines: number,
  deadlineMs: number,
): Promise<string[]> {
  const session = await client.request('POST', `/apps/${encodeURIComponent(app)}/log-sessions`, {
    body: { lines: maxLines, source: 'app', tail: false },
    timeoutMs: deadlineMs,
  });
  const body: unknown = session.body;
  const url =
    typeof body === 'object' && body !== null && 'logplex_url' in body
      ? body.logplex_url
      : undefined;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new Error('Heroku answered a log session without a logplex_url');
  }
  const tail = new TailBuffer(maxLines);
  for await (const line of client.streamLines(url, { deadlineMs })) tail.push(line);
  return [...tail.lines()];
}
