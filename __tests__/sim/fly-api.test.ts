// The simulated Fly Machines API over real HTTP: both token forms, apps and machines, the
// whole-config update with leases, wait (and its 408), destroy, rate limits, faults and the
// OpenAPI contract checks.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../sim/index.js';
import type { Simulator } from '../../sim/index.js';

const MACAROON = 'FlyV1 fm2_lJPECAAAAAAAAApiVGVzdFRva2Vu,fm2_lJPETnRlc3RUb2tlblBhcnRUd28';
const exampleApp = path.resolve(import.meta.dirname, '..', '..', 'examples', 'app');
const FLY_TOML = `app = "api-app"
[http_service]
  internal_port = 8080
  [[http_service.checks]]
    interval = "100ms"
    timeout = "1s"
    path = "/health"
`;

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
}

interface MachineBody {
  id: string;
  state: string;
  region: string;
  instance_id: string;
  config: Record<string, unknown> & { image: string; metadata: Record<string, string> };
  image_ref: { registry: string; repository: string; tag: string; digest: string };
  checks?: Array<{ name: string; status: string }>;
}

let sim: Simulator;
let appDir: string;

async function call(
  method: string,
  urlPath: string,
  options: { body?: unknown; headers?: Record<string, string>; base?: Simulator } = {},
): Promise<Answer> {
  const target = options.base ?? sim;
  const response = await fetch(`${target.flyApiUrl}${urlPath}`, {
    method,
    headers: {
      authorization: MACAROON,
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
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

async function machines(app: string): Promise<MachineBody[]> {
  const answer = await call('GET', `/v1/apps/${app}/machines`);
  expect(answer.status).toBe(200);
  return answer.json as MachineBody[];
}

beforeAll(async () => {
  sim = await startSimulator({ flyToken: MACAROON, flyRateLimit: false });
  appDir = await mkdtemp(path.join(os.tmpdir(), 'fly-api-test-'));
  await cp(exampleApp, appDir, { recursive: true });
  await writeFile(path.join(appDir, 'fly.toml'), FLY_TOML);
  await sim.fly.createApp('api-app', { regions: ['ams', 'fra'], machines: 3 });
  await sim.fly.seedRelease('api-app', appDir, { labels: { GH_SHA: 'a'.repeat(40) } });
});

afterAll(async () => {
  await sim?.stop();
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

describe('auth', () => {
  it('accepts a macaroon token only as FlyV1 with its parts joined by commas', async () => {
    expect((await call('GET', '/v1/apps/api-app')).status).toBe(200);
    const bearer = await call('GET', '/v1/apps/api-app', {
      headers: { authorization: `Bearer ${MACAROON.slice('FlyV1 '.length)}` },
    });
    expect(bearer.status).toBe(401);
    expect(bearer.json).toEqual({ error: 'unauthorized' });
    const onePart = await call('GET', '/v1/apps/api-app', {
      headers: { authorization: MACAROON.split(',')[0] ?? '' },
    });
    expect(onePart.status).toBe(401);
    const missing = await fetch(`${sim.flyApiUrl}/v1/apps/api-app`);
    expect(missing.status).toBe(401);
  });

  it('accepts a non-macaroon token only as Bearer', async () => {
    const legacy = await startSimulator({ flyToken: 'fo1_legacyPersonalAccessToken0123' });
    try {
      const bearer = await call('GET', '/v1/apps/none', {
        base: legacy,
        headers: { authorization: 'Bearer fo1_legacyPersonalAccessToken0123' },
      });
      expect(bearer.status).toBe(404);
      expect(bearer.json).toEqual({ error: 'app not found' });
      const flyV1 = await call('GET', '/v1/apps/none', {
        base: legacy,
        headers: { authorization: 'FlyV1 fo1_legacyPersonalAccessToken0123' },
      });
      expect(flyV1.status).toBe(401);
    } finally {
      await legacy.stop();
    }
  });
});

describe('apps and machines', () => {
  it('shows the app and lists 3 started app machines across 2 regions', async () => {
    const app = await call('GET', '/v1/apps/api-app');
    expect(app.json).toMatchObject({ name: 'api-app', machine_count: 3 });
    const list = await machines('api-app');
    expect(list).toHaveLength(3);
    expect(list.map((m) => m.region).sort()).toEqual(['ams', 'ams', 'fra']);
    for (const machine of list) {
      expect(machine.id).toMatch(/^[0-9a-f]{14}$/);
      expect(machine.state).toBe('started');
      expect(machine.config.image).toMatch(/^registry\.fly\.io\/api-app:deployment-/);
      expect(machine.image_ref.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(machine.config.metadata).toMatchObject({
        fly_platform_version: 'v2',
        fly_process_group: 'app',
        fly_release_version: '1',
      });
      expect(machine.checks).toEqual([
        expect.objectContaining({ name: 'servicecheck-00-http-8080', status: 'passing' }),
      ]);
    }
    const fra = await call('GET', '/v1/apps/api-app/machines?region=fra');
    expect(fra.json).toHaveLength(1);
    const byMetadata = await call(
      'GET',
      '/v1/apps/api-app/machines?metadata.fly_process_group=console',
    );
    expect(byMetadata.json).toEqual([]);
    expect((await call('GET', '/v1/apps/nope/machines')).status).toBe(404);
  });

  it('shows a held lease in the list with include_leases (owner, description, expiry)', async () => {
    const [first] = await machines('api-app');
    const id = first?.id ?? '';
    const taken = await call('POST', `/v1/apps/api-app/machines/${id}/lease`, {
      body: { ttl: 30, description: 'someone deploying' },
    });
    expect(taken.status).toBe(200);
    const nonce = (taken.json as { data: { nonce: string } }).data.nonce;
    try {
      // Machines OpenAPI: Machines_list `include_leases`, each machine's StrippedLease.
      const listed = await call('GET', '/v1/apps/api-app/machines?include_leases=true');
      const leases = (listed.json as Array<{ id: string; lease?: Record<string, unknown> }>).map(
        (machine) => [machine.id, machine.lease] as const,
      );
      expect(Object.fromEntries(leases)).toEqual(
        Object.fromEntries(
          leases.map(([machineId]) => [
            machineId,
            machineId === id
              ? {
                  owner: expect.any(String),
                  description: 'someone deploying',
                  expires_at: expect.any(Number),
                }
              : undefined,
          ]),
        ),
      );
      // Without the parameter the list carries no lease.
      expect((await machines('api-app')).some((machine) => 'lease' in machine)).toBe(false);
    } finally {
      await call('DELETE', `/v1/apps/api-app/machines/${id}/lease`, {
        headers: { 'fly-machine-lease-nonce': nonce },
      });
    }
  });

  it('replaces the whole config on update, under a lease, with a new instance', async () => {
    const [machine] = await machines('api-app');
    if (!machine) throw new Error('no machine');
    const base = `/v1/apps/api-app/machines/${machine.id}`;
    const lease = await call('POST', `${base}/lease`, { body: { ttl: 30, description: 'test' } });
    expect(lease.status).toBe(200);
    const nonce = (lease.json as { data: { nonce: string } }).data.nonce;
    expect(nonce).toMatch(/^[0-9a-f]+$/);

    const held = await call('POST', `${base}/lease`, { body: { ttl: 30 } });
    expect(held.status).toBe(409);
    expect((held.json as { error: string }).error).toContain('lease currently held by');

    const config = { image: machine.config.image, services: machine.config.services };
    const unleased = await call('POST', base, { body: { config } });
    expect(unleased.status).toBe(409);
    const wrongNonce = await call('POST', base, {
      body: { config },
      headers: { 'fly-machine-lease-nonce': 'not-the-nonce' },
    });
    expect(wrongNonce.status).toBe(412);

    const updated = await call('POST', base, {
      body: { config },
      headers: { 'fly-machine-lease-nonce': nonce },
    });
    expect(updated.status).toBe(200);
    const after = updated.json as MachineBody;
    expect(after.instance_id).not.toBe(machine.instance_id);
    // Replaced, not merged: env and metadata were not sent, so they are gone.
    expect(after.config).toEqual(config);

    const query = `state=started&instance_id=${after.instance_id}&timeout=10`;
    const waited = await call('GET', `${base}/wait?${query}`);
    expect(waited.status).toBe(200);
    expect(waited.json).toMatchObject({ ok: true });

    const versions = await call('GET', `${base}/versions`);
    expect((versions.json as Array<{ version: string }>).map((v) => v.version)).toEqual([
      after.instance_id,
      machine.instance_id,
    ]);
    expect((await call('GET', `${base}/lease`)).status).toBe(200);
    const release = await call('DELETE', `${base}/lease`, {
      headers: { 'fly-machine-lease-nonce': nonce },
    });
    expect(release.status).toBe(200);
    expect((await call('GET', `${base}/lease`)).status).toBe(404);
  });

  it('answers wait with 408 deadline_exceeded when the state is not reached in time', async () => {
    const [, machine] = await machines('api-app');
    if (!machine) throw new Error('no machine');
    const base = `/v1/apps/api-app/machines/${machine.id}`;
    expect((await call('POST', `${base}/stop`, { body: {} })).status).toBe(200);
    expect((await call('GET', `${base}/wait?state=stopped&timeout=10`)).status).toBe(200);
    const started = Date.now();
    const waited = await call('GET', `${base}/wait?state=started&timeout=1`);
    expect(waited.status).toBe(408);
    expect((waited.json as { error: string }).error).toMatch(/^deadline_exceeded: /);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await call('POST', `${base}/start`)).status).toBe(200);
    expect((await call('GET', `${base}/wait?state=started&timeout=10`)).status).toBe(200);
  });

  it('creates a machine, refuses to destroy it running, destroys it with force', async () => {
    const [first] = await machines('api-app');
    if (!first) throw new Error('no machine');
    const created = await call('POST', '/v1/apps/api-app/machines', {
      body: { config: first.config, region: 'fra' },
    });
    expect(created.status).toBe(200);
    const id = (created.json as MachineBody).id;
    const base = `/v1/apps/api-app/machines/${id}`;
    expect((await call('GET', `${base}/wait?state=started&timeout=10`)).status).toBe(200);
    expect((await call('DELETE', base)).status).toBe(412);
    expect((await call('DELETE', `${base}?force=true`)).status).toBe(200);
    expect((await call('GET', `${base}/wait?state=destroyed&timeout=10`)).status).toBe(200);
    expect((await machines('api-app')).map((m) => m.id)).not.toContain(id);
    const withDeleted = await call('GET', '/v1/apps/api-app/machines?include_deleted=true');
    expect((withDeleted.json as MachineBody[]).map((m) => m.id)).toContain(id);
  });

  it('answers with an injected fault once, then normally', async () => {
    sim.fly.inject({ method: 'GET', path: /\/machines$/, status: 503, body: { error: 'x' } });
    expect((await call('GET', '/v1/apps/api-app/machines')).status).toBe(503);
    expect((await call('GET', '/v1/apps/api-app/machines')).status).toBe(200);
  });
});

describe('logs API', () => {
  interface LogsPage {
    data: Array<{ id: string; attributes: Record<string, unknown> }>;
    meta: { next_token: string };
  }
  const logsPath = (app: string, query = 'next_token='): string =>
    `${new URL(sim.flyApiUrl).origin}/api/v1/apps/${app}/logs?${query}`;
  async function logs(app: string, query?: string, authorization = MACAROON): Promise<Answer> {
    const response = await fetch(logsPath(app, query), { headers: { authorization } });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: JSON.parse(text) };
  }

  it('serves what the machines printed as fly-go GetAppLogs decodes it', async () => {
    // The machines print a line once they listen: wait for it, bounded.
    let page: LogsPage = { data: [], meta: { next_token: '' } };
    for (let attempt = 0; attempt < 50 && page.data.length === 0; attempt += 1) {
      const answer = await logs('api-app');
      expect(answer.status).toBe(200);
      page = answer.json as LogsPage;
      if (page.data.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ids = (await machines('api-app')).map((machine) => machine.id);
    const entry = page.data.find((item) =>
      /listening on port/.test(String(item.attributes.message)),
    );
    expect(entry?.attributes).toMatchObject({
      level: 'info',
      region: expect.stringMatching(/^(ams|fra)$/),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(ids).toContain(entry?.attributes.instance);
    expect(typeof page.meta.next_token).toBe('string');
    const one = String(entry?.attributes.instance);
    const filtered = (await logs('api-app', `next_token=&instance=${one}`)).json as LogsPage;
    expect(filtered.data.length).toBeGreaterThan(0);
    expect(filtered.data.every((item) => item.attributes.instance === one)).toBe(true);
    const after = (await logs('api-app', `next_token=${page.meta.next_token}`)).json as LogsPage;
    expect(after.data.map((item) => item.id)).not.toContain(entry === undefined ? '' : entry.id);
  });

  it('wants the Machines API token form, and answers 404 for an app it does not know', async () => {
    const bearer = await logs('api-app', undefined, `Bearer ${MACAROON.slice('FlyV1 '.length)}`);
    expect(bearer.status).toBe(401);
    const unknown = await logs('no-such-app');
    expect(unknown.status).toBe(404);
  });
});

describe('contract checks', () => {
  it('rejects and records a body the OpenAPI schema does not allow', async () => {
    const [machine] = await machines('api-app');
    if (!machine) throw new Error('no machine');
    const before = sim.contractViolations.length;
    const answer = await call('POST', '/v1/apps/api-app/machines', {
      body: { config: { image: machine.config.image, guest: { cpus: 'two' } } },
    });
    expect(answer.status).toBe(400);
    expect((answer.json as { error: string }).error).toContain('/config/guest/cpus');
    const badQuery = await call('GET', '/v1/apps/api-app/machines?include_deleted=yes');
    expect(badQuery.status).toBe(400);
    const noNonce = await call('DELETE', `/v1/apps/api-app/machines/${machine.id}/lease`);
    expect(noNonce.status).toBe(400);
    const added = sim.contractViolations.slice(before);
    expect(added).toHaveLength(3);
    expect(added[0]).toMatch(/Machines_create.*\/config\/guest\/cpus must be integer/);
    expect(added[1]).toMatch(/include_deleted="yes" is not a boolean/);
    expect(added[2]).toMatch(/missing header parameter fly-machine-lease-nonce/);
  });

  it('records nothing for valid traffic', async () => {
    const before = sim.contractViolations.length;
    const list = await machines('api-app');
    for (const machine of list) {
      await call('GET', `/v1/apps/api-app/machines/${machine.id}`);
      await call('GET', `/v1/apps/api-app/machines/${machine.id}/versions`);
      await call('GET', `/v1/apps/api-app/machines/${machine.id}/events`);
    }
    await call('GET', '/v1/apps/api-app');
    expect(sim.contractViolations.slice(before)).toEqual([]);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the burst, per action and machine', async () => {
    // A frozen clock: the buckets refill nothing however slowly the requests go.
    const frozen = Date.now();
    const limited = await startSimulator({
      flyToken: MACAROON,
      flyRateLimit: { now: () => frozen },
    });
    try {
      await limited.fly.createApp('limited');
      const stop = (id: string): Promise<Answer> =>
        call('POST', `/v1/apps/limited/machines/${id}/stop`, { base: limited });
      const burst = [await stop('m1'), await stop('m1'), await stop('m1')];
      expect(burst.map((a) => a.status)).toEqual([404, 404, 404]);
      const over = await stop('m1');
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await stop('m2')).status).toBe(404);
      const reads: number[] = [];
      for (let index = 0; index < 11; index += 1) {
        reads.push((await call('GET', '/v1/apps/limited', { base: limited })).status);
      }
      expect(reads.slice(0, 10).every((status) => status === 200)).toBe(true);
      expect(reads[10]).toBe(429);
    } finally {
      await limited.stop();
    }
  });
});
