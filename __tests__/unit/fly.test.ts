import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/io/errors.js';
import type { Platform } from '../../src/platforms/platform.js';
import { createFlyPlatform } from '../../src/platforms/fly/fly.js';
import {
  appPath,
  createFlyMock,
  digest,
  flySettings,
  header,
  machineBody,
  pinned,
  shownImage,
} from '../helpers/fly-mock.js';
import type { FlyMock } from '../helpers/fly-mock.js';
import { rejection } from '../helpers/rejection.js';

let mock: FlyMock;
let platform: Platform;

beforeEach(() => {
  mock = createFlyMock();
  platform = createFlyPlatform(flySettings(), mock.deps);
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

function replyApp(): void {
  mock.api.intercept({ path: appPath, method: 'GET' }).reply(200, { name: 'demo', status: 'ok' });
}

function replyMachines(machines: unknown[], times = 1): void {
  mock.api
    .intercept({ path: `${appPath}/machines`, method: 'GET' })
    .reply(200, machines)
    .times(times);
}

describe('snapshot', () => {
  it('keeps only app machines and names the release by digest and version', async () => {
    replyApp();
    replyMachines([
      machineBody('m1', { region: 'ams', version: 4 }),
      machineBody('m2', { region: 'fra', version: 4 }),
      machineBody('rc', { group: 'fly_app_release_command', digestChar: 'b', version: 5 }),
      machineBody('console', { group: 'fly_app_console', digestChar: 'b' }),
      machineBody('test', { group: 'fly_app_test_machine_command', digestChar: 'b' }),
      machineBody('gone', { state: 'destroyed', digestChar: 'b', version: 5 }),
      machineBody('v1', { platformVersion: 'v1', digestChar: 'b', version: 5 }),
    ]);

    const snapshot = await platform.snapshot();

    expect(snapshot).toEqual({
      current: { id: pinned('a'), label: 'v4', image: shownImage('a') },
      webUrl: 'https://demo.fly.dev',
      switchoverSeconds: 0,
      notices: [],
      restore: expect.objectContaining({ kind: 'machines' }) as unknown,
    });
    // The rollback gets every app machine with its whole config, to restore them.
    const plan = snapshot.restore;
    if (plan.kind !== 'machines') throw new Error('expected a plan of machines');
    expect(plan.target).toEqual(snapshot.current);
    expect(plan.machines.map((machine) => machine.id)).toEqual(['m1', 'm2']);
    // Saved with its image pinned to the digest it runs: a re-pushed tag cannot come back.
    const m2 = machineBody('m2', { region: 'fra', version: 4 }).config as Record<string, unknown>;
    expect(plan.machines[1]?.config).toEqual({
      ...m2,
      image: `${String(m2.image)}@${digest('a')}`,
    });
  });

  it('sends a macaroon token as FlyV1 with all its parts', async () => {
    replyApp();
    replyMachines([machineBody('m1')]);
    await platform.snapshot();
    const call = mock.calls('GET', appPath)[0];
    expect(header(call, 'authorization')).toBe('FlyV1 fm2_lJPECAAAAAAAAMQQ,fm2_lJPEtZ2FvYWJj');
  });

  it('sends any other token as Bearer', async () => {
    await platform.close();
    platform = createFlyPlatform(flySettings({ apiToken: 'personal-abc' }), mock.deps);
    mock.api
      .intercept({
        path: appPath,
        method: 'GET',
        headers: { authorization: 'Bearer personal-abc' },
      })
      .reply(200, { name: 'demo' });
    replyMachines([machineBody('m1')]);
    await expect(platform.snapshot()).resolves.toMatchObject({ current: { label: 'v1' } });
  });

  it('says the app was never created on 404', async () => {
    mock.api
      .intercept({ path: appPath, method: 'GET' })
      .reply(404, { error: 'Could not find App "demo"' });
    const error = await rejection(platform.snapshot());
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toContain("Fly app 'demo' not found");
    expect(error.message).toContain('never creates apps');
  });

  it('fails when the app has no machine to come back to', async () => {
    replyApp();
    replyMachines([machineBody('rc', { group: 'fly_app_release_command' })]);
    await expect(platform.snapshot()).rejects.toThrow("Fly app 'demo' has no app machines");
  });

  it('says so when the machines disagree, naming the larger group live', async () => {
    replyApp();
    replyMachines([
      machineBody('m1', { version: 3 }),
      machineBody('m2', { version: 4, digestChar: 'b', tag: 'gd-new' }),
      machineBody('m3', { version: 3 }),
    ]);
    const snapshot = await platform.snapshot();
    expect(snapshot.current).toEqual({ id: pinned('a'), label: 'v3', image: shownImage('a') });
    expect(snapshot.notices).toEqual([
      'The machines of demo do not all run the same image before the deploy: v3 on m1/m3, ' +
        'v4 on m2. A rollback puts each machine back on its own.',
    ]);
  });

  it('accepts a base URL that already ends in /v1', async () => {
    await platform.close();
    platform = createFlyPlatform(
      flySettings({ apiUrl: 'https://api.machines.test/v1/' }),
      mock.deps,
    );
    replyApp();
    replyMachines([machineBody('m1')]);
    await expect(platform.snapshot()).resolves.toMatchObject({ current: { label: 'v1' } });
  });
});

describe('liveRelease', () => {
  it('is the one image all machines run', async () => {
    replyMachines([machineBody('m1', { version: 2 }), machineBody('m2', { version: 2 })]);
    await expect(platform.liveRelease()).resolves.toEqual({
      id: pinned('a'),
      label: 'v2',
      image: shownImage('a'),
    });
  });

  it('names a mix so that it never equals a single release', async () => {
    replyMachines([
      machineBody('m1', { version: 2 }),
      machineBody('m2', { version: 3, digestChar: 'b' }),
      machineBody('m3', { version: 3, digestChar: 'b' }),
    ]);
    const live = await platform.liveRelease();
    expect(live).toEqual({
      id: `mixed:${pinned('b')}+${pinned('a')}`,
      label: 'mixed (v3 on 2, v2 on 1)',
    });
  });
});

describe('inspect', () => {
  const release = { id: pinned('b'), label: 'v5' };

  it('passes when every machine started on the release with all checks passing', async () => {
    replyMachines([
      machineBody('m1', { digestChar: 'b', version: 5 }),
      machineBody('m2', { digestChar: 'b', version: 5, region: 'fra' }),
    ]);
    const report = await platform.inspect(release, 10_000);
    expect(report.ok).toBe(true);
    expect(report.reason).toBe('2 machines on v5 (2 started), checks passing where declared');
    expect(report.instances[1]).toEqual({
      id: 'm2',
      region: 'fra',
      image: 'deployment-v1@sha256:bbbbbbbbbbbb',
      state: 'started',
      checks: '2/2 passing',
      ok: true,
    });
  });

  it('polls until checks pass, within the timeout', async () => {
    replyMachines([machineBody('m1', { digestChar: 'b', checks: ['passing', 'critical'] })]);
    replyMachines([machineBody('m1', { digestChar: 'b' })]);
    const report = await platform.inspect(release, 10_000);
    expect(report.ok).toBe(true);
    expect(mock.sleeps).toEqual([100]);
  });

  it('catches a machine that stayed on the old image although flyctl said success', async () => {
    replyMachines(
      [machineBody('m1', { digestChar: 'b' }), machineBody('m2', { digestChar: 'a' })],
      4,
    );
    const report = await platform.inspect(release, 500);
    expect(report.ok).toBe(false);
    expect(report.reason).toBe(
      'm2 (ams) is started on deployment-v1@sha256:aaaaaaaaaaaa, not on v5, checks 2/2 passing',
    );
    // 100 + 200 + 400 ms of polling, then the timeout of 500 ms is over.
    expect(mock.sleeps).toEqual([100, 200, 400]);
  });

  it('does not accept machines without checks or not started', async () => {
    replyMachines(
      [
        machineBody('m1', { digestChar: 'b', checks: [] }),
        machineBody('m2', { digestChar: 'b', state: 'stopped' }),
      ],
      2,
    );
    const report = await platform.inspect(release, 50);
    expect(report.ok).toBe(false);
    expect(report.instances.map((row) => [row.checks, row.ok])).toEqual([
      ['-', false],
      ['2/2 passing', false],
    ]);
    expect(report.reason).toContain('m1 (ams) is started on');
    expect(report.reason).toContain(', checks none');
    expect(report.reason).toContain('m2 (ams) is stopped');
  });
});

describe('resolveTarget', () => {
  const previousConfig = (version: number, tag: string): Record<string, unknown> => ({
    image: `registry.fly.io/demo:${tag}`,
    metadata: { fly_platform_version: 'v2', fly_release_version: String(version) },
  });

  it('takes an image the machines have run, as it is', async () => {
    replyMachines([machineBody('m1', { version: 7 })]);
    mock.api
      .intercept({ path: `${appPath}/machines/m1/versions`, method: 'GET' })
      .reply(200, [
        { version: '01J00000000000000000000005', user_config: previousConfig(5, 'gd-0123') },
      ]);
    await expect(platform.resolveTarget('registry.fly.io/demo:gd-0123')).resolves.toEqual({
      kind: 'release',
      target: { id: 'registry.fly.io/demo:gd-0123', label: 'gd-0123' },
    });
  });

  it('refuses an image the machines never ran, listing the known ones (issue 13)', async () => {
    replyMachines([machineBody('m1', { version: 7, tag: 'gd-seven' })]);
    mock.api
      .intercept({ path: `${appPath}/machines/m1/versions`, method: 'GET' })
      .reply(200, [
        { version: '01J00000000000000000000005', user_config: previousConfig(5, 'gd-five') },
      ]);
    await expect(platform.resolveTarget('docker.io/evil/image:latest')).rejects.toThrow(
      /no image the machines of .* have run.*known: .*gd-seven.*gd-five/,
    );
  });

  it('finds v<N> among the live machines first', async () => {
    replyMachines([machineBody('m1', { version: 7 })]);
    await expect(platform.resolveTarget('v7')).resolves.toEqual({
      kind: 'release',
      target: { id: pinned('a'), label: 'v7' },
    });
  });

  it('finds v<N> in the config versions of the machines', async () => {
    replyMachines([machineBody('m1', { version: 7 })]);
    mock.api.intercept({ path: `${appPath}/machines/m1/versions`, method: 'GET' }).reply(200, [
      { version: '01J00000000000000000000005', user_config: previousConfig(5, 'gd-five') },
      { version: '01J00000000000000000000007', user_config: previousConfig(7, 'gd-seven') },
      { version: '01J00000000000000000000006', user_config: previousConfig(6, 'gd-six') },
    ]);
    await expect(platform.resolveTarget('v6')).resolves.toEqual({
      kind: 'configs',
      target: { id: 'registry.fly.io/demo:gd-six', label: 'v6' },
      configs: { m1: previousConfig(6, 'gd-six') },
    });
  });

  it('without a spec, takes the newest earlier image', async () => {
    replyMachines([machineBody('m1', { version: 7, tag: 'gd-seven' })]);
    mock.api.intercept({ path: `${appPath}/machines/m1/versions`, method: 'GET' }).reply(200, [
      { version: '01J00000000000000000000005', user_config: previousConfig(5, 'gd-five') },
      { version: '01J00000000000000000000007', user_config: previousConfig(7, 'gd-seven') },
      { version: '01J00000000000000000000006', user_config: previousConfig(6, 'gd-six') },
    ]);
    await expect(platform.resolveTarget(undefined)).resolves.toEqual({
      kind: 'configs',
      target: { id: 'registry.fly.io/demo:gd-six', label: 'v6' },
      configs: { m1: previousConfig(6, 'gd-six') },
    });
  });

  it('fails clearly when there is nothing to go back to', async () => {
    replyMachines([machineBody('m1', { version: 7, tag: 'gd-seven' })]);
    mock.api
      .intercept({ path: `${appPath}/machines/m1/versions`, method: 'GET' })
      .reply(200, [
        { version: '01J00000000000000000000007', user_config: previousConfig(7, 'gd-seven') },
      ])
      .times(2);
    await expect(platform.resolveTarget(undefined)).rejects.toThrow('set `to-release`');
    replyMachines([machineBody('m1', { version: 7, tag: 'gd-seven' })]);
    await expect(platform.resolveTarget('v2')).rejects.toThrow('Fly lists no release v2');
  });
});

describe('settle', () => {
  it('waits until no machine is between states', async () => {
    replyMachines([machineBody('m1', { state: 'replacing' }), machineBody('m2')]);
    replyMachines([machineBody('m1'), machineBody('m2')]);
    await platform.settle?.(10_000);
    expect(mock.sleeps).toEqual([100]);
  });

  it('fails naming the machines still changing at the timeout', async () => {
    replyMachines([machineBody('m1', { state: 'starting' })], 3);
    await expect(platform.settle?.(250)).rejects.toThrow(
      'Fly machines still changing after 0.25 s: m1 is starting',
    );
    expect(mock.sleeps).toEqual([100, 200]);
  });
});
