// The simulated Heroku Platform API over real HTTP: headers, auth, errors, pagination, the
// presigned blob store, fault injection and the schema checks.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { c as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../sim/index.js';
import type { Simulator } from '../../sim/index.js';

const TOKEN = 'hk-test-token';
const ACCEPT = 'application/vnd.heroku+json; version=3';
const exampleApp = path.resolve(import.meta.dirname, '..', '..', 'examples', 'app');

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

let sim: Simulator;
let tempDir: string;

async function call(
  method: string,
  urlPath: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(`${sim.herokuApiUrl}${urlPath}`, {
    method,
    headers: {
      accept: ACCEPT,
      authorization: `Bearer ${TOKEN}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

async function newSource(): Promise<{ get_url: string; put_url: string }> {
  const answer = await call('POST', '/sources');
  expect(answer.status).toBe(201);
  return (answer.json as { source_blob: { get_url: string; put_url: string } }).source_blob;
}

beforeAll(async () => {
  sim = await startSimulator({ herokuToken: TOKEN });
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'heroku-api-test-'));
});

afterAll(async () => {
  await sim?.stop();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

describe('Heroku API basics', () => {
  it('serves an app with Request-Id and RateLimit-Remaining headers', async () => {
    const { webUrl } = await sim.heroku.createApp('basic-app');
    const answer = await call('GET', '/apps/basic-app');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ name: 'basic-app', web_url: webUrl });
    expect(typeof (answer.json as { released_at: unknown }).released_at).toBe('string');
    expect(webUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(answer.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const remaining = Number(answer.headers.get('ratelimit-remaining'));
    const next = await call('GET', '/apps/basic-app');
    // The bucket refills continuously (about 75 a minute), so a second may give one back.
    expect(Number(next.headers.get('ratelimit-remaining'))).toBeLessThanOrEqual(remaining);
  });

  it('answers 401 unauthorized for a wrong or missing token', async () => {
    const wrong = await call('GET', '/apps/basic-app', {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ id: 'unauthorized', message: 'Invalid credentials provided.' });
    const missing = await fetch(`${sim.herokuApiUrl}/apps/basic-app`, {
      headers: { accept: ACCEPT },
    });
    expect(missing.status).toBe(401);
  });

  it('answers 400 missing_version without the versioned Accept header', async () => {
    const answer = await call('GET', '/apps/basic-app', {
      headers: { accept: 'application/json' },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ id: 'missing_version' });
  });

  it('answers 404 not_found for an unknown app, release, build or endpoint', async () => {
    const app = await call('GET', '/apps/no-such-app');
    expect(app.status).toBe(404);
    expect(app.json).toEqual({ id: 'not_found', message: "Couldn't find that app." });
    expect((await call('GET', '/apps/basic-app/releases/99')).json).toEqual({
      id: 'not_found',
      message: "Couldn't find that release.",
    });
    const build = await call('GET', `/apps/basic-app/builds/${crypto.randomUUID()}`);
    expect(build.status).toBe(404);
    expect((await call('GET', '/nothing/here')).json).toMatchObject({ id: 'not_found' });
  });

  it('reports the preboot feature as configured per app', async () => {
    await sim.heroku.createApp('preboot-app', { preboot: true });
    const on = await call('GET', '/apps/preboot-app/features/preboot');
    expect(on.json).toMatchObject({ name: 'preboot', enabled: true });
    const off = await call('GET', '/apps/basic-app/features/preboot');
    expect(off.json).toMatchObject({ name: 'preboot', enabled: false });
    expect((await call('GET', '/apps/basic-app/features/no-such-feature')).status).toBe(404);
  });
});

describe('release listing with Range', () => {
  it('pages with 206 + Next-Range and ends with 200', async () => {
    await sim.heroku.createApp('paged-app');
    const seedDir = path.join(tempDir, 'seed');
    await cp(exampleApp, seedDir, { recursive: true });
    const seeded = await sim.heroku.seedRelease('paged-app', seedDir);
    for (let i = 0; i < 10; i += 1) {
      const answer = await call('POST', '/apps/paged-app/releases', {
        body: { release: seeded.id },
      });
      expect(answer.status).toBe(201);
    }
    const all = await call('GET', '/apps/paged-app/releases');
    expect(all.status).toBe(200);
    const ascending = (all.json as Array<{ version: number }>).map((r) => r.version);
    expect(ascending).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

    const versions: number[] = [];
    let range: string | null = 'version ..; max=5, order=desc';
    const statuses: number[] = [];
    for (let page = 0; range !== null && page < 10; page += 1) {
      const answer = await call('GET', '/apps/paged-app/releases', { headers: { range } });
      statuses.push(answer.status);
      versions.push(...(answer.json as Array<{ version: number }>).map((r) => r.version));
      range = answer.headers.get('next-range');
    }
    expect(statuses).toEqual([206, 206, 200]);
    expect(versions).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);

    const bad = await call('GET', '/apps/paged-app/releases', { headers: { range: 'name ..' } });
    expect(bad.status).toBe(400);
  });
});

describe('sources and the presigned blob store', () => {
  it('accepts a PUT with Content-Length and no Content-Type, and serves it back', async () => {
    const source = await newSource();
    const body = Buffer.from('some bytes of a tarball');
    const put = await fetch(source.put_url, { method: 'PUT', body });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
    const get = await fetch(source.get_url);
    expect(Buffer.from(await get.arrayBuffer())).toEqual(body);
    const blobRequests = sim.requests.filter((r) => r.api === 'blob');
    expect(blobRequests.map((r) => [r.method, r.status])).toContainEqual(['PUT', 200]);
  });

  it('rejects a Content-Type with 403 SignatureDoesNotMatch, like S3', async () => {
    const source = await newSource();
    const put = await fetch(source.put_url, {
      method: 'PUT',
      body: Buffer.from('x'),
      headers: { 'content-type': 'application/gzip' },
    });
    expect(put.status).toBe(403);
    expect(await put.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('rejects a chunked upload (no Content-Length) with 411 MissingContentLength', async () => {
    const source = await newSource();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk'));
        controller.close();
      },
    });
    const put = await fetch(source.put_url, {
      method: 'PUT',
      body: stream,
      duplex: 'half',
    });
    expect(put.status).toBe(411);
    expect(await put.text()).toContain('<Code>MissingContentLength</Code>');
  });

  it('rejects a tampered signature and a GET with the PUT URL', async () => {
    const source = await newSource();
    const tampered = source.put_url.replace(/Signature=[0-9a-f]{4}/, 'Signature=ffff');
    expect((await fetch(tampered, { method: 'PUT', body: Buffer.from('x') })).status).toBe(403);
    expect((await fetch(source.put_url)).status).toBe(403);
    expect((await fetch(source.get_url)).status).toBe(404);
  });
});

describe('fault injection', () => {
  it('answers an injected status for the first `times` matches only', async () => {
    await sim.heroku.createApp('faulty-app');
    sim.heroku.inject({
      method: 'GET',
      path: /^\/apps\/faulty-app$/,
      times: 2,
      status: 429,
      body: { id: 'rate_limit', message: 'Your account reached the API rate limit' },
      headers: { 'retry-after': '1' },
    });
    const first = await call('GET', '/apps/faulty-app');
    const second = await call('GET', '/apps/faulty-app');
    const third = await call('GET', '/apps/faulty-app');
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.json).toMatchObject({ id: 'rate_limit' });
    expect(first.headers.get('retry-after')).toBe('1');
  });

  it('cuts the connection on reset and records status 0', async () => {
    sim.heroku.inject({ method: 'GET', path: /^\/apps\/faulty-app$/, reset: true });
    await expect(call('GET', '/apps/faulty-app')).rejects.toThrow();
    const last = sim.requests.filter((r) => r.path === '/apps/faulty-app').at(-1);
    expect(last?.status).toBe(0);
    expect((await call('GET', '/apps/faulty-app')).status).toBe(200);
  });

  it('delays a request and then handles it normally; clear() drops pending faults', async () => {
    sim.heroku.inject({ method: 'GET', path: /^\/apps\/faulty-app$/, delayMs: 300 });
    const started = Date.now();
    expect((await call('GET', '/apps/faulty-app')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    sim.heroku.inject({ method: 'GET', path: /^\/apps\/faulty-app$/, status: 503 });
    sim.heroku.clear();
    expect((await call('GET', '/apps/faulty-app')).status).toBe(200);
  });
});

describe('contract checks against the Heroku schema', () => {
  it('records requests in order with their parsed bodies', async () => {
    const before = sim.requests.length;
    await call('GET', '/apps/basic-app');
    await call('POST', '/apps/basic-app/builds', {
      body: { source_blob: { url: 'http://127.0.0.1:1/none', checksum: null, version: 'abc' } },
    });
    const github = await fetch(`${sim.githubApiUrl}/repos/o/r/actions/runs/1/jobs`, {
      headers: { authorization: 'Bearer sim-github-token', accept: 'application/vnd.github+json' },
    });
    await github.arrayBuffer();
    const recent = sim.requests.slice(before);
    expect(recent.map((r) => `${r.api} ${r.method} ${r.path} ${r.status}`)).toEqual([
      'heroku GET /apps/basic-app 200',
      'heroku POST /apps/basic-app/builds 201',
      `github GET /repos/o/r/actions/runs/1/jobs ${github.status}`,
    ]);
    expect(recent[1]?.body).toMatchObject({ source_blob: { version: 'abc' } });
    expect(recent[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('has no violations after valid traffic', () => {
    expect(sim.contractViolations).toEqual([]);
  });

  it('answers 422 invalid_params and records a violation for a body off the schema', async () => {
    const build = await call('POST', '/apps/basic-app/builds', {
      body: { source_blob: { url: 42 } },
    });
    expect(build.status).toBe(422);
    expect(build.json).toMatchObject({ id: 'invalid_params' });
    const rollback = await call('POST', '/apps/basic-app/releases', { body: { release: 'v1' } });
    expect(rollback.status).toBe(422);
    expect(sim.contractViolations).toHaveLength(2);
    expect(sim.contractViolations[0]).toMatch(/POST \/apps\/basic-app\/builds \(build Create\)/);
    expect(sim.contractViolations[1]).toMatch(/release Rollback/);
  });
});

describe('Heroku as it really behaves', () => {
  const procfile = (release: string): Record<string, string> => ({
    Procfile: `web: node server.js\nrelease: ${release}\n`,
  });
  async function appWith(config: object, files: Record<string, string> = {}): Promise<string> {
    const dir = await mkdtemp(path.join(tempDir, 'app-'));
    await cp(exampleApp, dir, { recursive: true });
    await writeFile(path.join(dir, 'app-config.json'), JSON.stringify(config));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    return dir;
  }
  interface ReleaseJson {
    id: string;
    version: number;
    status: string;
    current: boolean;
    eligible_for_rollback: boolean;
    output_stream_url: string | null;
  }
  const releases = async (app: string): Promise<ReleaseJson[]> =>
    (await call('GET', `/apps/${app}/releases`)).json as ReleaseJson[];

  it('marks the live release eligible for rollback, failed, expired and slugless ones not', async () => {
    await sim.heroku.createApp('eligible-app');
    await sim.heroku.seedRelease('eligible-app', await appWith({ version: 'a' }));
    await sim.heroku.seedRelease('eligible-app', await appWith({ version: 'b' }));
    await sim.heroku.seedRelease(
      'eligible-app',
      await appWith({ version: 'c' }, procfile('exit 3')),
    );
    await sim.heroku.seedRelease('eligible-app', await appWith({ version: 'd' }));
    sim.heroku.expireRelease('eligible-app', 2);
    const list = await releases('eligible-app');
    expect(list.map((r) => [r.version, r.status, r.current, r.eligible_for_rollback])).toEqual([
      [1, 'succeeded', false, false],
      [2, 'expired', false, false],
      [3, 'succeeded', false, true],
      [4, 'failed', false, false],
      [5, 'succeeded', true, true],
    ]);
    // `expired` is in the official schema's status enum.
    expect(sim.contractViolations.filter((v) => v.includes('release List'))).toEqual([]);
  });

  it('shows a Fir-generation release with an OCI image artifact and no slug', async () => {
    await sim.heroku.createApp('fir-app', { generation: 'fir' });
    await sim.heroku.seedRelease('fir-app', await appWith({ version: 'a' }));
    const [, live] = await releases('fir-app');
    expect(live).toMatchObject({ slug: null, current: true, eligible_for_rollback: true });
    expect((live as unknown as { artifacts: unknown }).artifacts).toEqual([
      { type: 'oci-image', id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    ]);
    const app = await call('GET', '/apps/fir-app');
    expect(app.json).toMatchObject({ generation: { name: 'fir' } });
    expect(sim.contractViolations.filter((v) => v.includes('fir-app'))).toEqual([]);
  });

  it('refuses a rollback to a failed, expired or slugless release with 422', async () => {
    await sim.heroku.createApp('refuse-app');
    await sim.heroku.seedRelease('refuse-app', await appWith({ version: 'a' }));
    await sim.heroku.seedRelease('refuse-app', await appWith({ version: 'b' }, procfile('exit 1')));
    await sim.heroku.seedRelease('refuse-app', await appWith({ version: 'c' }));
    sim.heroku.expireRelease('refuse-app', 2);
    const list = await releases('refuse-app');
    for (const version of [1, 2, 3]) {
      const target = list.find((release) => release.version === version);
      const answer = await call('POST', '/apps/refuse-app/releases', {
        body: { release: target?.id },
      });
      expect([version, answer.status, (answer.json as { id: string }).id]).toEqual([
        version,
        422,
        'invalid_params',
      ]);
    }
    expect((await releases('refuse-app')).length).toBe(4);
  });

  /** A new app at v2, then a build of a slug whose release phase starts 1.5 s late. */
  async function buildWithReleasePhase(app: string): Promise<Answer> {
    await sim.heroku.createApp(app, { releaseStartDelayMs: 1_500 });
    await sim.heroku.seedRelease(app, await appWith({ version: 'a' }));
    const dir = await appWith({ version: 'b' }, procfile('echo migrating'));
    const file = `${dir}.tar.gz`;
    await createTar({ gzip: true, cwd: dir, file }, await readdir(dir));
    const source = await newSource();
    await fetch(source.put_url, { method: 'PUT', body: await readFile(file) });
    return call('POST', `/apps/${app}/builds`, {
      body: { source_blob: { url: source.get_url } },
    });
  }

  it('serves release output from another host, 404 until the release command starts', async () => {
    const build = await buildWithReleasePhase('stream-app');
    const buildId = (build.json as { id: string }).id;
    let pending: ReleaseJson | undefined;
    for (let i = 0; i < 200 && pending === undefined; i += 1) {
      pending = (await releases('stream-app')).find((release) => release.version === 3);
      if (pending === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(buildId).toBeTruthy();
    const streamUrl = pending?.output_stream_url ?? '';
    expect(new URL(streamUrl).origin).not.toBe(new URL(sim.herokuApiUrl).origin);
    expect((await fetch(streamUrl)).status).toBe(404);
    let answer = await fetch(streamUrl);
    for (let i = 0; i < 100 && answer.status === 404; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = await fetch(streamUrl);
    }
    expect([answer.status, (await answer.text()).trim()]).toEqual([200, 'migrating']);
  });

  it('lists a build and then its release as pending, with who started them', async () => {
    // Schema: build and release `status` (`pending` until decided) and `user.email`.
    const build = await buildWithReleasePhase('busy-app');
    const listed = await call('GET', '/apps/busy-app/builds', {
      headers: { range: 'created_at ..; max=10, order=desc' },
    });
    const first = (listed.json as Array<{ id: string; status: string; user: unknown }>)[0];
    expect(first).toMatchObject({
      id: (build.json as { id: string }).id,
      status: 'pending',
      user: { email: expect.stringContaining('@') },
    });
    let latest: { version: number; status: string; user: unknown } | undefined;
    for (let i = 0; i < 200 && latest?.version !== 3; i += 1) {
      const answer = await call('GET', '/apps/busy-app/releases', {
        headers: { range: 'version ..; max=1, order=desc' },
      });
      latest = (answer.json as (typeof latest)[])[0];
      if (latest?.version !== 3) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(latest).toMatchObject({
      version: 3,
      status: 'pending',
      user: { email: expect.stringContaining('@') },
    });
  });

  it('limits requests per token: RateLimit-Remaining on every answer, 429 when empty', async () => {
    sim.heroku.setRateLimitRemaining(TOKEN, 1);
    const last = await call('GET', '/account');
    expect(last.headers.get('ratelimit-remaining')).toBe('0');
    const refused = await call('GET', '/apps/basic-app');
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ id: 'rate_limit' });
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const other = await call('GET', '/apps/basic-app', {
      headers: { authorization: 'Bearer another-token' },
    });
    expect(other.status).toBe(401);
    expect(Number(other.headers.get('ratelimit-remaining'))).toBe(4499);
    sim.heroku.setRateLimitRemaining(TOKEN, 4500);
  });
});

describe('endpoints the official CLI reads', () => {
  it('answers account, add-ons, config vars, formation and features within the schema', async () => {
    await sim.heroku.createApp('cli-reads');
    const before = sim.contractViolations.length;
    const paths = [
      '/account',
      '/apps/cli-reads/addons',
      '/apps/cli-reads/config-vars',
      '/apps/cli-reads/releases/1/config-vars',
      '/apps/cli-reads/formation',
      '/apps/cli-reads/formation/web',
      '/apps/cli-reads/features',
    ];
    const answers = await Promise.all(paths.map((urlPath) => call('GET', urlPath)));
    expect(answers.map((answer) => answer.status)).toEqual(paths.map(() => 200));
    expect(answers[0]?.json).toMatchObject({ email: 'deployer@example.com' });
    expect(answers[6]?.json).toEqual([expect.objectContaining({ name: 'preboot' })]);
    expect((await call('GET', '/apps/cli-reads/releases/9/config-vars')).status).toBe(404);
    expect(sim.contractViolations.slice(before)).toEqual([]);
  });
});
