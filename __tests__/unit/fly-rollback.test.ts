import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Platform, RestorePlan } from '../../src/platforms/platform.js';
import { parseRestorePlan } from '../../src/platforms/restore-plan.js';
import { createFlyPlatform } from '../../src/platforms/fly/fly.js';
import type { FlyDeps } from '../../src/platforms/fly/fly.js';
import {
  appPath,
  createFlyMock,
  flySettings,
  header,
  jsonBody,
  machineBody,
  pinned,
  shownImage,
} from '../helpers/fly-mock.js';
import type { FlyMock } from '../helpers/fly-mock.js';
import { deployError } from '../helpers/rejection.js';

let mock: FlyMock;
let platform: Platform;
let logLines: string[];

const log = (line: string): void => {
  logLines.push(line);
};

const m1Before = machineBody('m1', { region: 'ams', version: 4 });
const m2Before = machineBody('m2', { region: 'fra', version: 4 });
const onNewImage = (id: string, region: string): Record<string, unknown> =>
  machineBody(id, { region, version: 5, digestChar: 'b', tag: 'gd-0123456789ab' });

function start(deps: Partial<FlyDeps> = {}): void {
  platform = createFlyPlatform(flySettings(), { ...mock.deps, ...deps });
}

beforeEach(() => {
  mock = createFlyMock();
  logLines = [];
  start();
});

afterEach(async () => {
  try {
    // Every answer set up was asked for: no expected request was skipped.
    mock.agent.assertNoPendingInterceptors();
  } finally {
    await platform.close();
    await mock.close();
  }
});

function replyMachines(machines: unknown[], times = 1): void {
  mock.api
    .intercept({ path: `${appPath}/machines`, method: 'GET' })
    .reply(200, machines)
    .times(times);
}

/** Snapshot of m1 (ams) and m2 (fra), both on image a, v4. */
async function snapshotBefore(): Promise<RestorePlan> {
  mock.api.intercept({ path: appPath, method: 'GET' }).reply(200, { name: 'demo' });
  replyMachines([m1Before, m2Before]);
  return (await platform.snapshot()).restore;
}

const machinePath = (id: string, rest = ''): string => `${appPath}/machines/${id}${rest}`;

function replyLease(id: string, body: object): void {
  mock.api.intercept({ path: machinePath(id, '/lease'), method: 'POST' }).reply(201, body);
}

/** What Fly says of a lease someone else holds (404: it says nothing). */
function replyLeaseHolder(id: string, status: number, body: object, times = 1): void {
  mock.api
    .intercept({ path: machinePath(id, '/lease'), method: 'GET' })
    .reply(status, body)
    .times(times);
}

/** m1 on the new image, its lease refused: flyctl holds it until `until`. */
function replyLeasedByFlyctl(until: string): void {
  replyMachines([onNewImage('m1', 'ams'), m2Before]);
  mock.api
    .intercept({ path: machinePath('m1', '/lease'), method: 'POST' })
    .reply(409, { error: 'machine currently leased' });
  replyLeaseHolder('m1', 200, {
    status: 'success',
    data: {
      owner: 'ci@acme.example',
      description: 'flyctl deploy',
      expires_at: Date.parse(until) / 1000,
    },
  });
}

function replyReleaseLease(id: string): void {
  mock.api.intercept({ path: machinePath(id, '/lease'), method: 'DELETE' }).reply(200, {});
}

function replyWait(id: string, status: number, times = 1): void {
  mock.api
    .intercept({ path: (path) => path.startsWith(machinePath(id, '/wait')), method: 'GET' })
    .reply(status, status === 200 ? { ok: true, state: 'started' } : { error: 'deadline_exceeded' })
    .times(times);
}

/** Lease, update, wait, read and release of m1 going back to its snapshotted config. */
function replyRestoreOfM1(lease: object = { nonce: 'nonce-m1' }): void {
  replyLease('m1', lease);
  mock.api
    .intercept({ path: machinePath('m1'), method: 'POST' })
    .reply(200, machineBody('m1', { version: 4, instance: 'inst-m1-restored' }));
  replyWait('m1', 200);
  mock.api.intercept({ path: machinePath('m1'), method: 'GET' }).reply(200, m1Before);
  replyReleaseLease('m1');
}

describe('rollback to the snapshot', () => {
  it('puts a changed machine back with its whole config and destroys the canary', async () => {
    const plan = await snapshotBefore();
    replyMachines([
      onNewImage('m1', 'ams'),
      m2Before,
      machineBody('canary', {
        version: 5,
        digestChar: 'b',
        extraMetadata: { fly_canary: 'true' },
      }),
    ]);
    replyLease('m1', { nonce: 'nonce-m1' });
    mock.api
      .intercept({ path: machinePath('m1'), method: 'POST' })
      .reply(200, machineBody('m1', { version: 4, instance: 'inst-m1-restored' }));
    replyWait('m1', 408);
    replyWait('m1', 200);
    mock.api.intercept({ path: machinePath('m1'), method: 'GET' }).reply(200, m1Before);
    replyReleaseLease('m1');
    replyLease('canary', { status: 'success', data: { nonce: 'nonce-canary' } });
    mock.api
      .intercept({ path: machinePath('canary'), method: 'DELETE', query: { force: 'true' } })
      .reply(200, { ok: true });
    replyWait('canary', 200);
    replyMachines([m1Before, m2Before]);

    const restored = await platform.rollback(plan, log);

    expect(restored).toEqual({ id: pinned('a'), label: 'v4', image: shownImage('a') });
    const update = mock.calls('POST', machinePath('m1'))[0];
    // The whole snapshotted config: Fly replaces the config, it does not merge.
    // Its image pinned to the digest it ran, so a re-pushed tag cannot bring back other content.
    expect(jsonBody(update)).toEqual({ config: pinnedConfig(m1Before) });
    expect(header(update, 'fly-machine-lease-nonce')).toBe('nonce-m1');
    const waits = mock.calls('GET', machinePath('m1', '/wait'));
    expect(waits.map((call) => call.searchParams)).toEqual([
      { version: 'inst-m1-restored', timeout: '60', state: 'started' },
      { version: 'inst-m1-restored', timeout: '60', state: 'started' },
    ]);
    const released = mock.calls('DELETE', machinePath('m1', '/lease'))[0];
    expect(header(released, 'fly-machine-lease-nonce')).toBe('nonce-m1');
    // m2 was not touched by the deploy, so it is not restarted.
    expect(mock.calls('POST', machinePath('m2', '/lease'))).toEqual([]);
    const destroyed = mock.calls('DELETE', machinePath('canary'))[0];
    expect(destroyed?.searchParams).toEqual({ force: 'true' });
    expect(header(destroyed, 'fly-machine-lease-nonce')).toBe('nonce-canary');
    // Fly destroys asynchronously: "destroyed" is said once its wait says so.
    const gone = mock.calls('GET', machinePath('canary', '/wait'))[0];
    expect(gone?.searchParams.state).toBe('destroyed');
    expect(logLines).toEqual([
      `Rolling back demo to v4 (${pinned('a')}), machine by machine`,
      'm1 (ams): started on deployment-v1@sha256:aaaaaaaaaaaa',
      'm2 (fra): untouched by the deploy, kept',
      'canary (ams): created by the deploy, destroyed',
      `Machines are back on v4 (${pinned('a')})`,
    ]);
  });

  it('waits while someone else holds the lease, then goes on', async () => {
    const plan = await snapshotBefore();
    replyMachines([onNewImage('m1', 'ams'), m2Before]);
    mock.api
      .intercept({ path: machinePath('m1', '/lease'), method: 'POST' })
      .reply(409, { error: 'machine currently leased' })
      .times(2);
    replyLeaseHolder('m1', 404, { error: 'lease not found' }, 2);
    replyRestoreOfM1();
    replyMachines([m1Before, m2Before]);

    await expect(platform.rollback(plan, log)).resolves.toEqual(plan.target);
    expect(mock.sleeps).toEqual([500, 500]);
  });

  it('waits for a held lease until it expires when that is within its wait', async () => {
    const plan = await snapshotBefore();
    // flyctl's in-place lease: 13 s left.
    replyLeasedByFlyctl('2026-01-01T00:00:13Z');
    replyRestoreOfM1();
    replyMachines([m1Before, m2Before]);

    await expect(platform.rollback(plan, log)).resolves.toEqual(plan.target);
    expect(mock.sleeps[0]).toBeGreaterThanOrEqual(13_000);
  });

  it('names the holder of a lease that outlasts its wait, and how to clear it', async () => {
    const plan = await snapshotBefore();
    // A machine flyctl replaced and was interrupted on: leased for its whole wait timeout.
    replyLeasedByFlyctl('2026-01-01T00:10:00Z');
    replyMachines([onNewImage('m1', 'ams'), m2Before]);

    const error = await deployError(platform.rollback(plan, log));
    expect(error.message).toContain(
      'm1: machine m1 is leased by ci@acme.example ("flyctl deploy") until ' +
        "2026-01-01T00:10:00.000Z, past the 180 s the rollback's budget leaves to wait; see " +
        '`fly machine leases view m1`',
    );
    expect(mock.sleeps).toEqual([]);
  });

  it("waits for a held lease only out of what is left of the rollback's budget", async () => {
    // 70 s of budget, 60 s kept back to restore the machine: a 13 s lease is not waited for.
    start({ rollbackBudgetMs: 70_000, leaseReserveMs: 60_000 });
    const plan = await snapshotBefore();
    replyLeasedByFlyctl('2026-01-01T00:00:13Z');
    replyMachines([onNewImage('m1', 'ams'), m2Before]);

    const error = await deployError(platform.rollback(plan, log));
    expect(error.message).toContain(
      'leased by ci@acme.example ("flyctl deploy") until 2026-01-01T00:00:13.000Z, past the ' +
        "10 s the rollback's budget leaves to wait",
    );
    expect(mock.sleeps).toEqual([]);
  });

  it('backs off on 429 as Retry-After asks before updating', async () => {
    const plan = await snapshotBefore();
    replyMachines([onNewImage('m1', 'ams'), m2Before]);
    mock.api
      .intercept({ path: machinePath('m1'), method: 'POST' })
      .reply(429, { error: 'rate limited' }, { headers: { 'retry-after': '2' } });
    replyRestoreOfM1();
    replyMachines([m1Before, m2Before]);

    await expect(platform.rollback(plan, log)).resolves.toEqual(plan.target);
    expect(mock.sleeps).toEqual([2000]);
    expect(mock.calls('POST', machinePath('m1'))).toHaveLength(2);
  });

  // A 2xx counts as acted even with a garbled body (platforms/kit/outcome.ts): the machine is
  // re-read instead of the rollback failing or updating twice.
  it.each([
    { answer: 'a 502', status: 502, body: 'Bad Gateway' },
    { answer: 'a garbled 200', status: 200, body: '{"id": "m1", "con' },
  ])('does not repeat an update that was applied although $answer came back', async (lost) => {
    const plan = await snapshotBefore();
    replyMachines([onNewImage('m1', 'ams'), m2Before]);
    replyLease('m1', { nonce: 'nonce-m1' });
    mock.api.intercept({ path: machinePath('m1'), method: 'POST' }).reply(lost.status, lost.body);
    const applied = machineBody('m1', { version: 4, instance: 'inst-m1-applied' });
    mock.api.intercept({ path: machinePath('m1'), method: 'GET' }).reply(200, applied);
    replyWait('m1', 200);
    mock.api.intercept({ path: machinePath('m1'), method: 'GET' }).reply(200, applied);
    replyReleaseLease('m1');
    replyMachines([m1Before, m2Before]);

    await expect(platform.rollback(plan, log)).resolves.toEqual(plan.target);
    expect(mock.calls('POST', machinePath('m1'))).toHaveLength(1);
    expect(mock.calls('GET', machinePath('m1', '/wait'))[0]?.searchParams.version).toBe(
      'inst-m1-applied',
    );
  });

  it('sends the update again once when a re-read shows it was not applied', async () => {
    const plan = await snapshotBefore();
    replyMachines([onNewImage('m1', 'ams'), m2Before]);
    replyLease('m1', { nonce: 'nonce-m1' });
    mock.api.intercept({ path: machinePath('m1'), method: 'POST' }).reply(503, 'unavailable');
    mock.api
      .intercept({ path: machinePath('m1'), method: 'GET' })
      .reply(200, onNewImage('m1', 'ams'));
    mock.api
      .intercept({ path: machinePath('m1'), method: 'POST' })
      .reply(200, machineBody('m1', { version: 4, instance: 'inst-m1-restored' }));
    replyWait('m1', 200);
    mock.api.intercept({ path: machinePath('m1'), method: 'GET' }).reply(200, m1Before);
    replyReleaseLease('m1');
    replyMachines([m1Before, m2Before]);

    await expect(platform.rollback(plan, log)).resolves.toEqual(plan.target);
    expect(mock.calls('POST', machinePath('m1'))).toHaveLength(2);
  });

  it('recreates a machine the deploy destroyed and removes the one it added', async () => {
    const plan = await snapshotBefore();
    replyMachines([m1Before, onNewImage('green', 'fra')]);
    mock.api
      .intercept({ path: `${appPath}/machines`, method: 'POST' })
      .reply(200, machineBody('m9', { region: 'fra', version: 4, instance: 'inst-m9' }));
    replyWait('m9', 200);
    mock.api
      .intercept({ path: machinePath('m9'), method: 'GET' })
      .reply(200, machineBody('m9', { region: 'fra', version: 4, instance: 'inst-m9' }));
    replyLease('green', { nonce: 'nonce-green' });
    mock.api
      .intercept({ path: machinePath('green'), method: 'DELETE', query: { force: 'true' } })
      .reply(200, { ok: true });
    replyWait('green', 200);
    replyMachines([m1Before, machineBody('m9', { region: 'fra', version: 4 })]);

    await expect(platform.rollback(plan, log)).resolves.toEqual(plan.target);
    const created = mock.calls('POST', `${appPath}/machines`)[0];
    expect(jsonBody(created)).toEqual({ config: pinnedConfig(m2Before), region: 'fra' });
    expect(logLines).toContain('m2 (fra): was destroyed by the deploy; recreated as m9');
  });

  // Two machines of one region destroyed by a blue-green deploy: when the second create's answer
  // is lost, the machine it made is adopted, never the one the first create already made.
  it('adopts what a lost create made, not the machine recreated just before it', async () => {
    const a1 = machineBody('a1', { region: 'ams', version: 4 });
    const a2 = machineBody('a2', { region: 'ams', version: 4 });
    mock.api.intercept({ path: appPath, method: 'GET' }).reply(200, { name: 'demo' });
    replyMachines([a1, a2]);
    const plan = (await platform.snapshot()).restore;
    // Created from the snapshot's config: the image pinned to its digest.
    const recreated = (id: string): Record<string, unknown> => {
      const body = machineBody(id, { region: 'ams', version: 4, instance: `inst-${id}` });
      return { ...body, config: pinnedConfig(body) };
    };
    const m9 = recreated('m9');
    const m10 = recreated('m10');
    replyMachines([onNewImage('green', 'ams')]);
    const creates = `${appPath}/machines`;
    mock.api.intercept({ path: creates, method: 'POST' }).reply(200, m9);
    replyWait('m9', 200);
    mock.api.intercept({ path: machinePath('m9'), method: 'GET' }).reply(200, m9);
    mock.api.intercept({ path: creates, method: 'POST' }).reply(502, 'Bad Gateway');
    replyMachines([m9, m10, onNewImage('green', 'ams')]);
    replyWait('m10', 200);
    mock.api.intercept({ path: machinePath('m10'), method: 'GET' }).reply(200, m10);
    replyLease('green', { nonce: 'nonce-green' });
    mock.api
      .intercept({ path: machinePath('green'), method: 'DELETE', query: { force: 'true' } })
      .reply(200, { ok: true });
    replyWait('green', 200);
    replyMachines([m9, m10]);

    await expect(platform.rollback(plan, log)).resolves.toEqual(plan.target);
    expect(mock.calls('POST', creates)).toHaveLength(2);
    expect(logLines).toContain('a1 (ams): was destroyed by the deploy; recreated as m9');
    expect(logLines).toContain('a2 (ams): was destroyed by the deploy; recreated as m10');
  });

  it('fails listing every machine and its image when a machine cannot be restored', async () => {
    const plan = await snapshotBefore();
    replyMachines([onNewImage('m1', 'ams'), onNewImage('m2', 'fra')]);
    mock.api
      .intercept({ path: machinePath('m1', '/lease'), method: 'POST' })
      .reply(409, { error: 'machine currently leased' })
      .times(3);
    replyLeaseHolder('m1', 404, { error: 'lease not found' }, 3);
    replyLease('m2', { nonce: 'nonce-m2' });
    mock.api
      .intercept({ path: machinePath('m2'), method: 'POST' })
      .reply(200, machineBody('m2', { region: 'fra', version: 4, instance: 'inst-m2-restored' }));
    replyWait('m2', 200);
    mock.api.intercept({ path: machinePath('m2'), method: 'GET' }).reply(200, m2Before);
    replyReleaseLease('m2');
    replyMachines([onNewImage('m1', 'ams'), m2Before]);

    const error = await deployError(platform.rollback(plan, log));

    expect(error.liveChanged).toBe(true);
    expect(error.message).toBe(
      'Rollback to v4 failed: m1: machine m1 is leased by someone else (another deploy or ' +
        '`fly` command?), and Fly does not say until when; still held after every try; see ' +
        '`fly machine leases view m1`, and ' +
        'clear it with `fly machine leases clear m1` once nothing uses it. The app may be on ' +
        'mixed images: ' +
        `m1 (ams, started): ${pinned('b')}, m2 (fra, started): ${pinned('a')}`,
    );
  });

  it('gives up on a machine that does not start within the wait deadline', async () => {
    const plan = await snapshotBefore();
    replyMachines([onNewImage('m1', 'ams'), m2Before]);
    replyLease('m1', { nonce: 'nonce-m1' });
    mock.api
      .intercept({ path: machinePath('m1'), method: 'POST' })
      .reply(200, machineBody('m1', { version: 4, instance: 'inst-m1-restored' }));
    // machineWaitMs is 120 s and one wait lasts 60 s: at most three requests.
    replyWait('m1', 408, 3);
    replyReleaseLease('m1');
    replyMachines([onNewImage('m1', 'ams'), m2Before]);

    const error = await deployError(platform.rollback(plan, log));

    expect(error.message).toContain("m1: machine m1 did not reach 'started' in time");
    expect(mock.calls('GET', machinePath('m1', '/wait'))).toHaveLength(3);
    // The lease is given back even though the machine failed.
    expect(mock.calls('DELETE', machinePath('m1', '/lease'))).toHaveLength(1);
  });

  it('paces the requests of one machine: a burst of 3, then one per second', async () => {
    await platform.close();
    start({ leaseRetryMs: 0, leaseAttempts: 5 });
    const plan = await snapshotBefore();
    replyMachines([onNewImage('m1', 'ams'), m2Before]);
    mock.api
      .intercept({ path: machinePath('m1', '/lease'), method: 'POST' })
      .reply(409, { error: 'machine currently leased' })
      .times(5);
    replyLeaseHolder('m1', 404, { error: 'lease not found' }, 5);
    replyMachines([onNewImage('m1', 'ams'), m2Before]);

    await deployError(platform.rollback(plan, log));

    expect(mock.sleeps).toEqual([0, 0, 0, 1000, 0, 1000]);
  });
});

describe('rollback in a later process (post step)', () => {
  it('restores the machines of the plan main saved, not of a new read', async () => {
    const plan = await snapshotBefore();
    await platform.close();
    start();
    // The post step loads the plan from text, as main saved it.
    const loaded = parseRestorePlan(JSON.stringify(plan));
    if (loaded === undefined) throw new Error('the saved plan did not load');
    mock.api.intercept({ path: appPath, method: 'GET' }).reply(200, { name: 'demo' });
    replyMachines([onNewImage('m1', 'ams'), m2Before]);
    const seen = await platform.snapshot();
    // A fresh read sees what the deploy left; the rollback still uses main's plan.
    expect(seen.current).toEqual({
      id: pinned('b'),
      label: 'v5',
      image: shownImage('b', 'gd-0123456789ab'),
    });
    replyMachines([onNewImage('m1', 'ams'), m2Before]);
    replyRestoreOfM1();
    replyMachines([m1Before, m2Before]);

    const restored = await platform.rollback(loaded, log);

    expect(restored).toEqual({ id: pinned('a'), label: 'v4', image: shownImage('a') });
    expect(loaded.target.image).toBe(shownImage('a'));
    expect(jsonBody(mock.calls('POST', machinePath('m1'))[0])).toEqual({
      config: pinnedConfig(m1Before),
    });
  });
});

describe('rollback to another release', () => {
  it('moves every machine to the image found in its history', async () => {
    replyMachines([machineBody('m1', { version: 7, tag: 'gd-seven', digestChar: 'c' })]);
    const sixConfig = {
      image: 'registry.fly.io/demo:gd-six',
      metadata: { fly_platform_version: 'v2', fly_release_version: '6' },
    };
    mock.api
      .intercept({ path: machinePath('m1', '/versions'), method: 'GET' })
      .reply(200, [{ version: '01J00000000000000000000006', user_config: sixConfig }]);
    const plan = await platform.resolveTarget('v6');

    replyMachines([machineBody('m1', { version: 7, tag: 'gd-seven', digestChar: 'c' })]);
    replyLease('m1', { nonce: 'nonce-m1' });
    const onSix = machineBody('m1', { version: 6, tag: 'gd-six', instance: 'inst-6' });
    mock.api.intercept({ path: machinePath('m1'), method: 'POST' }).reply(200, onSix);
    replyWait('m1', 200);
    mock.api.intercept({ path: machinePath('m1'), method: 'GET' }).reply(200, onSix);
    replyReleaseLease('m1');
    replyMachines([onSix]);

    const restored = await platform.rollback(plan, log);

    expect(jsonBody(mock.calls('POST', machinePath('m1'))[0])).toEqual({ config: sixConfig });
    expect(restored.label).toBe('v6');
  });
});

/** A machine body's config with its image pinned to the digest of its `image_ref`. */
function pinnedConfig(body: Record<string, unknown>): Record<string, unknown> {
  const config = body.config as Record<string, unknown>;
  const ref = body.image_ref as Record<string, unknown>;
  return { ...config, image: `${String(config.image)}@${String(ref.digest)}` };
}
