import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/io/errors.js';
import { HttpClient } from '../../src/io/http.js';
import { forgetSecrets, maskSecret } from '../../src/io/secrets.js';
import type { HttpClientOptions } from '../../src/io/http.js';
import type { RetryPolicy } from '../../src/io/retry.js';
import { startTestServer } from '../helpers/http-server.js';
import type { TestServer } from '../helpers/http-server.js';

const api = 'https://api.example.test';
const token = 'tok-secret-123';
const policy: RetryPolicy = { attempts: 3, baseMs: 100, maxMs: 1_000, budgetMs: 10_000 };

let agent: MockAgent;
let sleeps: number[];
let debugLines: string[];
let clients: HttpClient[];
let servers: TestServer[];
let tempDirs: string[];

function client(overrides: Partial<HttpClientOptions> = {}): HttpClient {
  const created = new HttpClient({
    baseUrl: api,
    service: 'Heroku API',
    userAgent: 'guarded-deploy/test',
    apiHeaders: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    dispatcher: agent,
    retry: policy,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    debug: (line) => debugLines.push(line),
    ...overrides,
  });
  clients.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}

function calls(method: string, pathName: string): number {
  return (
    agent.getCallHistory()?.filterCalls({ method, path: pathName }, { operator: 'AND' }) ?? []
  ).length;
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  agent.enableCallHistory();
  sleeps = [];
  debugLines = [];
  clients = [];
  servers = [];
  tempDirs = [];
});

afterEach(async () => {
  await Promise.all(clients.map((created) => created.close()));
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  await agent.close();
});

describe('JSON requests (MockAgent)', () => {
  it('sends the API headers and returns status, headers and parsed body', async () => {
    let seen: Record<string, string> = {};
    agent
      .get(api)
      .intercept({ path: '/apps/foo', method: 'GET' })
      .reply((options) => {
        seen = options.headers as Record<string, string>;
        return {
          statusCode: 200,
          data: { name: 'foo' },
          responseOptions: { headers: { 'Next-Range': 'x' } },
        };
      });
    const response = await client().request('GET', '/apps/foo');
    expect(response).toEqual({
      status: 200,
      headers: { 'next-range': 'x' },
      body: { name: 'foo' },
    });
    expect(seen).toMatchObject({
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'user-agent': 'guarded-deploy/test',
    });
    expect(debugLines).toHaveLength(1);
    expect(debugLines[0]).toMatch(/^GET \/apps\/foo -> 200 in \d+ ms \(attempt 1\)$/);
  });

  it('puts the platform error id and message verbatim into the error', async () => {
    agent
      .get(api)
      .intercept({ path: '/apps/foo', method: 'GET' })
      .reply(404, { id: 'not_found', message: "Couldn't find that app." });
    const error = await failure(client().request('GET', '/apps/foo'));
    expect(error.message).toBe(
      "Heroku API answered 404 not_found: Couldn't find that app. (GET /apps/foo)",
    );
    expect(error).toMatchObject({ status: 404, errorId: 'not_found', method: 'GET' });
    expect(calls('GET', '/apps/foo')).toBe(1);
  });

  it("redacts the action's secrets from a platform error message", async () => {
    maskSecret(token);
    agent
      .get(api)
      .intercept({ path: '/apps/foo', method: 'GET' })
      .reply(401, { id: 'unauthorized', message: `Invalid credentials: ${token}` });
    const error = await failure(client().request('GET', '/apps/foo'));
    forgetSecrets();
    expect(error.message).toContain('Invalid credentials: ***');
    expect(error.message).not.toContain(token);
  });

  it('retries a GET after a 5xx and a network error, then succeeds', async () => {
    const pool = agent.get(api);
    pool.intercept({ path: '/apps/foo', method: 'GET' }).reply(502, 'bad gateway');
    pool
      .intercept({ path: '/apps/foo', method: 'GET' })
      .replyWithError(new Error('socket hang up'));
    pool.intercept({ path: '/apps/foo', method: 'GET' }).reply(200, { ok: true });
    const response = await client().request('GET', '/apps/foo');
    expect(response.body).toEqual({ ok: true });
    expect(calls('GET', '/apps/foo')).toBe(3);
    // Full jitter with random 0.5: half of 100 ms, then half of 200 ms.
    expect(sleeps).toEqual([50, 100]);
    expect(debugLines.map((line) => line.replace(/\d+ ms/, 'N ms'))).toEqual([
      'GET /apps/foo -> 502 in N ms (attempt 1)',
      'GET /apps/foo failed in N ms (attempt 2): socket hang up',
      'GET /apps/foo -> 200 in N ms (attempt 3)',
    ]);
  });

  it('gives up on a GET after the policy attempts and says so', async () => {
    agent
      .get(api)
      .intercept({ path: '/apps/foo', method: 'GET' })
      .reply(500, { id: 'internal_server_error', message: 'Boom.' })
      .persist();
    const error = await failure(client().request('GET', '/apps/foo'));
    expect(calls('GET', '/apps/foo')).toBe(3);
    expect(error.message).toBe(
      'Heroku API answered 500 internal_server_error: Boom. ' +
        '(GET /apps/foo; gave up after 3 attempts)',
    );
  });

  it('never repeats a POST after a 5xx', async () => {
    agent
      .get(api)
      .intercept({ path: '/apps/foo/builds', method: 'POST' })
      .reply(503, { id: 'unavailable', message: 'Try later.' })
      .persist();
    const error = await failure(client().request('POST', '/apps/foo/builds', { body: { a: 1 } }));
    expect(error.status).toBe(503);
    expect(calls('POST', '/apps/foo/builds')).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('never repeats a POST after a network error', async () => {
    agent
      .get(api)
      .intercept({ path: '/sources', method: 'POST' })
      .replyWithError(new Error('other side closed'))
      .persist();
    const error = await failure(client().request('POST', '/sources'));
    expect(calls('POST', '/sources')).toBe(1);
    expect(error.status).toBe(0);
    expect(error.message).toBe(
      'Heroku API request failed: other side closed ' +
        '(POST /sources; not repeated, the platform may have processed it)',
    );
  });

  it('repeats a POST after 429, waiting as Retry-After asks', async () => {
    const pool = agent.get(api);
    let body = '';
    pool
      .intercept({ path: '/apps/foo/releases', method: 'POST' })
      .reply(429, { id: 'rate_limit', message: 'Slow down.' }, { headers: { 'Retry-After': '2' } });
    pool.intercept({ path: '/apps/foo/releases', method: 'POST' }).reply((options) => {
      body = typeof options.body === 'string' ? options.body : '';
      return { statusCode: 201, data: { id: 'r1' } };
    });
    const response = await client().request('POST', '/apps/foo/releases', {
      body: { release: 'abc' },
    });
    expect(response.status).toBe(201);
    expect(sleeps).toEqual([2_000]);
    expect(JSON.parse(body)).toEqual({ release: 'abc' });
  });

  it('does not wait past the budget when Retry-After asks for more', async () => {
    agent
      .get(api)
      .intercept({ path: '/apps/foo', method: 'GET' })
      .reply(
        429,
        { id: 'rate_limit', message: 'Slow down.' },
        { headers: { 'Retry-After': '60' } },
      );
    const error = await failure(client().request('GET', '/apps/foo'));
    expect(sleeps).toEqual([]);
    expect(error.status).toBe(429);
    expect(error.message).toContain('Retry-After asks for 60000 ms');
  });

  it('sends credentials only to the API origin and hides signed query strings', async () => {
    let foreignHeaders: Record<string, string> = {};
    agent
      .get('https://bucket.blob.test')
      .intercept({ path: /^\/obj/, method: 'GET' })
      .reply((options) => {
        foreignHeaders = options.headers as Record<string, string>;
        return {
          statusCode: 403,
          data: '<Error><Code>SignatureDoesNotMatch</Code><Message>Bad sig.</Message></Error>',
        };
      });
    const error = await failure(
      client().request('GET', 'https://bucket.blob.test/obj?X-Amz-Signature=very-secret'),
    );
    expect(foreignHeaders.authorization).toBeUndefined();
    expect(error.message).toBe(
      'bucket.blob.test answered 403 SignatureDoesNotMatch: Bad sig. (GET /obj)',
    );
    expect(error.url).toBe('https://bucket.blob.test/obj');
    const everything = [error.message, error.url, ...debugLines].join('\n');
    expect(everything).not.toContain('very-secret');
    expect(everything).not.toContain(token);
  });

  it('reads a garbled answer to a GET again', async () => {
    agent.get(api).intercept({ path: '/apps/foo', method: 'GET' }).reply(200, '<html>');
    agent.get(api).intercept({ path: '/apps/foo', method: 'GET' }).reply(200, { name: 'foo' });
    const response = await client().request('GET', '/apps/foo');
    expect(response.body).toEqual({ name: 'foo' });
  });

  it('reports a garbled answer to a POST, once, without repeating the POST', async () => {
    agent.get(api).intercept({ path: '/apps/foo/builds', method: 'POST' }).reply(201, '<html>');
    const error = await failure(
      client().request('POST', '/apps/foo/builds', { body: { body: {} } }),
    );
    expect(error.message).toBe(
      'Heroku API answered 201 with a body that is not JSON (POST /apps/foo/builds)',
    );
  });
});

describe('on the wire (real server)', () => {
  async function server(handler: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
    const started = await startTestServer(handler);
    servers.push(started);
    return started;
  }

  async function tempFile(content: Buffer): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'http-test-'));
    tempDirs.push(dir);
    const file = path.join(dir, 'source.tar.gz');
    await writeFile(file, content);
    return file;
  }

  it('PUTs a file with Content-Length, no Content-Type, replaying it after a 500', async () => {
    const content = Buffer.alloc(300_000, 7);
    const file = await tempFile(content);
    const blob = await server((_request, response, index) => {
      response.writeHead(index === 0 ? 500 : 200).end();
    });
    await client({ dispatcher: undefined }).putFile(`${blob.url}/put/key?sig=abc`, file);
    expect(blob.requests).toHaveLength(2);
    for (const received of blob.requests) {
      expect(received.method).toBe('PUT');
      expect(received.url).toBe('/put/key?sig=abc');
      expect(received.headers['content-length']).toBe(String(content.length));
      expect(received.headers['content-type']).toBeUndefined();
      expect(received.headers.authorization).toBeUndefined();
      expect(received.body.equals(content)).toBe(true);
    }
  });

  it('yields lines as they arrive, across chunk boundaries', async () => {
    const output = await server(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('-----> Building\nsecond li');
      await new Promise((resolve) => setTimeout(resolve, 20));
      response.write('ne\r\nthird');
      response.end();
    });
    const lines: string[] = [];
    for await (const line of client({ dispatcher: undefined }).streamLines(
      `${output.url}/streams/1?token=t`,
      { deadlineMs: 5_000 },
    )) {
      lines.push(line);
    }
    expect(lines).toEqual(['-----> Building', 'second line', 'third']);
  });

  it('ends a stream that runs past its deadline with an error', async () => {
    const output = await server((_request, response) => {
      response.writeHead(200);
      response.write('started\n');
    });
    const lines: string[] = [];
    const reading = (async () => {
      for await (const line of client({ dispatcher: undefined }).streamLines(
        `${output.url}/streams/2`,
        { deadlineMs: 300 },
      )) {
        lines.push(line);
      }
    })();
    const error = await failure(reading);
    expect(lines).toEqual(['started']);
    expect(error.message).toBe(
      '127.0.0.1:' +
        new URL(output.url).port +
        ' stream deadline of 300 ms reached (GET /streams/2)',
    );
  });

  it('times out an attempt that gets no answer and retries it', async () => {
    const silent = await server(() => {
      // Never answers: the client's timeout has to end each attempt.
    });
    const error = await failure(
      client({ dispatcher: undefined, baseUrl: silent.url, timeoutMs: 200 }).request(
        'GET',
        '/apps/slow',
      ),
    );
    expect(silent.requests).toHaveLength(3);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/^Heroku API request failed: .+ \(GET \/apps\/slow; gave up/);
  });
});
