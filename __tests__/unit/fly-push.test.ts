import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/io/child-process.js';
import type { StartCliOptions, StartCliResult } from '../../src/io/child-process.js';
import type { Platform } from '../../src/platforms/platform.js';
import { createFlyPlatform } from '../../src/platforms/fly/fly.js';
import type { FlyDeps } from '../../src/platforms/fly/fly.js';
import {
  appPath,
  createFlyMock,
  flySettings,
  machineBody,
  macaroonToken,
  pinned,
  shownImage,
} from '../helpers/fly-mock.js';
import type { FlyMock, FlySettingsOverrides } from '../helpers/fly-mock.js';
import { deployError } from '../helpers/rejection.js';

const commit = '0123456789abcdef0123456789abcdef01234567';
const releaseJson = JSON.stringify({
  id: 'rel_01J5',
  version: 5,
  image_ref: 'registry.fly.io/demo:gd-0123456789ab',
});

interface FlyctlCall {
  readonly command: string;
  readonly args: readonly string[];
  readonly options: StartCliOptions;
}

let mock: FlyMock;
let platform: Platform;
let logLines: string[];
let calls: FlyctlCall[];

const log = (line: string): void => {
  logLines.push(line);
};

/** A flyctl that prints `lines` and ends as `result` says. */
function fakeFlyctl(
  lines: readonly string[],
  result: Partial<StartCliResult> = {},
): FlyDeps['runFlyctl'] {
  return (command, args, options) => {
    calls.push({ command, args, options });
    for (const line of lines) options.onLine(line);
    return Promise.resolve({
      exitCode: 0,
      exitSignal: undefined,
      stoppedBy: undefined,
      tail: lines.slice(-20),
      ...result,
    });
  };
}

function start(deps: Partial<FlyDeps>, settings: FlySettingsOverrides = {}): void {
  platform = createFlyPlatform(
    flySettings({ ...settings, fly: { flyctlArgs: ['--strategy', 'rolling'], ...settings.fly } }),
    { ...mock.deps, ...deps },
  );
}

beforeEach(() => {
  mock = createFlyMock();
  logLines = [];
  calls = [];
});

afterEach(async () => {
  try {
    mock.agent.assertNoPendingInterceptors();
  } finally {
    await platform.close();
    await mock.close();
  }
});

describe('push', () => {
  it('runs flyctl deploy with an exact argument array and the token only in the env', async () => {
    start({ runFlyctl: fakeFlyctl(['==> Building image', 'Updating machine m1', releaseJson]) });

    const release = await platform.push(commit, log);

    expect(release).toEqual({ id: 'registry.fly.io/demo:gd-0123456789ab', label: 'v5' });
    expect(calls).toHaveLength(1);
    const call = calls[0];
    expect(call?.command).toBe('/usr/local/bin/flyctl');
    expect(call?.args).toEqual([
      'deploy',
      '--app',
      'demo',
      '--config',
      '/work/app/fly.toml',
      '--remote-only',
      '--yes',
      '--image-label',
      'gd-0123456789ab',
      '--strategy',
      'rolling',
    ]);
    expect(call?.options.cwd).toBe('/work/app');
    expect(call?.options.env).toEqual({
      FLY_API_TOKEN: macaroonToken,
      FLY_ACCESS_TOKEN: macaroonToken,
      FLY_EMIT_RELEASE_JSON: '1',
      // The api-url input reaches flyctl too, without the /v1 flyctl adds itself.
      FLY_FLAPS_BASE_URL: 'https://api.machines.test',
    });
    expect(call?.args.join(' ')).not.toContain('fm2_');
    expect(call?.args).not.toContain('--detach');
    expect(logLines).toEqual([
      'flyctl deploy --app demo --config /work/app/fly.toml --remote-only --yes ' +
        '--image-label gd-0123456789ab --strategy rolling',
      '==> Building image',
      'Updating machine m1',
      releaseJson,
      'flyctl finished: v5 (registry.fly.io/demo:gd-0123456789ab)',
    ]);
  });

  it('deploys a prebuilt image with --image instead of building', async () => {
    start(
      { runFlyctl: fakeFlyctl([releaseJson]) },
      { fly: { image: 'registry.fly.io/demo:prebuilt' } },
    );
    await platform.push(commit, log);
    expect(calls[0]?.args.slice(7, 9)).toEqual(['--image', 'registry.fly.io/demo:prebuilt']);
    expect(calls[0]?.args).not.toContain('--image-label');
  });

  it.each([
    // flyctl's Error: line says why: a plain exit 1 needs no gloss before it.
    [1, 'failed (exit code 1): Error: health checks failed'],
    [3, 'crashed (exit code 3: flyctl panicked)'],
    [126, 'ran out of time (exit code 126: a deadline was exceeded)'],
    [127, 'was interrupted (exit code 127)'],
  ])('treats exit code %i as a deploy that may have changed machines', async (code, why) => {
    start({
      runFlyctl: fakeFlyctl(['Updating machine m1', 'Error: health checks failed'], {
        exitCode: code,
      }),
    });
    const error = await deployError(platform.push(commit, log));
    expect(error.liveChanged).toBe(true);
    expect(error.message).toContain(`flyctl deploy of 0123456789ab ${why}`);
    // flyctl's own last `Error:` line comes right after the exit, before what it may mean.
    expect(error.message).toContain(': Error: health checks failed\nMachines may have');
    expect(error.output?.lines).toEqual(['Updating machine m1', 'Error: health checks failed']);
    expect(error.message).toContain(
      'Last flyctl output:\nUpdating machine m1\nError: health checks failed',
    );
  });

  it('glosses exit code 1 only when flyctl printed no Error: line', async () => {
    start({ runFlyctl: fakeFlyctl(['Updating machine m1'], { exitCode: 1 }) });
    const error = await deployError(platform.push(commit, log));
    expect(error.message).toContain(
      'flyctl deploy of 0123456789ab failed (exit code 1: an error, which includes machines ' +
        'not starting or not passing their health checks within --wait-timeout)\nMachines may',
    );
  });

  it('forwards a cancelled job to flyctl and reports it', async () => {
    let unwatched = false;
    start({
      watchSignals: (controller) => {
        controller.abort(new Error('received SIGINT'));
        return () => {
          unwatched = true;
        };
      },
      runFlyctl: (_command, _args, options) => {
        expect(options.signal?.aborted).toBe(true);
        return Promise.resolve({
          exitCode: 127,
          exitSignal: undefined,
          stoppedBy: 'abort',
          tail: [],
        });
      },
    });
    const error = await deployError(platform.push(commit, log));
    expect(error.liveChanged).toBe(true);
    expect(error.message).toContain('was stopped because the job was cancelled');
    expect(unwatched).toBe(true);
  });

  it("follows the flow's cancellation signal instead of the process signals", async () => {
    let watched = false;
    const cancel = new AbortController();
    start({
      watchSignals: () => {
        watched = true;
        return () => undefined;
      },
      runFlyctl: (_command, _args, options) => {
        const aborted = new Promise<StartCliResult>((resolve) => {
          options.signal?.addEventListener('abort', () =>
            resolve({ exitCode: 127, exitSignal: undefined, stoppedBy: 'abort', tail: [] }),
          );
        });
        cancel.abort();
        return aborted;
      },
    });
    const error = await deployError(platform.push(commit, log, cancel.signal));
    expect(error.message).toContain('was stopped because the job was cancelled');
    expect(watched).toBe(false);
  });

  it('says nothing changed when flyctl could not even start', async () => {
    start({
      runFlyctl: () =>
        Promise.reject(new CliError('flyctl', undefined, '', 'flyctl could not be run: ENOENT')),
    });
    const error = await deployError(platform.push(commit, log));
    expect(error.liveChanged).toBe(false);
    expect(error.message).toBe('Could not run flyctl: flyctl could not be run: ENOENT');
  });

  it('reads the release from the machines when flyctl prints no release line', async () => {
    start({ runFlyctl: fakeFlyctl(['Visit your newly deployed app']) });
    const machine = machineBody('m1', { version: 5, digestChar: 'b', tag: 'gd-0123456789ab' });
    mock.api.intercept({ path: `${appPath}/machines`, method: 'GET' }).reply(200, [machine]);
    await expect(platform.push(commit, log)).resolves.toEqual({
      id: pinned('b'),
      label: 'v5',
      image: shownImage('b', 'gd-0123456789ab'),
    });
  });

  it('fails, live unchanged, when flyctl exits 0 with no release line and changed nothing', async () => {
    start({ runFlyctl: fakeFlyctl(['Visit your newly deployed app']) });
    // The machines still run an older build: neither this build's label nor its GH_SHA.
    const machine = machineBody('m1', { version: 4, digestChar: 'a', tag: 'deployment-old' });
    mock.api.intercept({ path: `${appPath}/machines`, method: 'GET' }).reply(200, [machine]);
    const error = await deployError(platform.push(commit, log));
    expect(error.liveChanged).toBe(false);
    expect(error.message).toMatch(/^flyctl exited 0 but changed nothing/);
  });

  it('recognizes its build by the image label when flyctl names it by tag', async () => {
    start({ runFlyctl: fakeFlyctl([releaseJson]) });
    const release = await platform.push(commit, log);
    mock.api
      .intercept({ path: `${appPath}/machines`, method: 'GET' })
      .reply(200, [
        machineBody('m1', { version: 5, digestChar: 'b', tag: 'gd-0123456789ab' }),
        machineBody('m2', { version: 4, digestChar: 'a', tag: 'gd-olderolder' }),
      ]);
    const report = await platform.inspect(release, 0);
    expect(report.instances.map((row) => [row.id, row.ok])).toEqual([
      ['m1', true],
      ['m2', false],
    ]);
  });
});

describe('push with a real flyctl stand-in', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fly-push-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams its lines; the token reaches it in the env, not on the command line', async () => {
    const script = path.join(dir, 'flyctl.cjs');
    await writeFile(
      script,
      [
        "console.log('argv ' + JSON.stringify(process.argv.slice(2)));",
        "console.error('token ' + (process.env.FLY_API_TOKEN || 'missing'));",
        "console.log('cwd ' + process.cwd());",
        `console.log(${JSON.stringify(releaseJson)});`,
      ].join('\n'),
    );
    const flyctl = path.join(dir, 'flyctl');
    await writeFile(flyctl, `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
    await chmod(flyctl, 0o755);
    // The default runFlyctl: a real child started through startCli.
    platform = createFlyPlatform(
      flySettings({ sourceDir: dir, fly: { flyctlPath: flyctl, flyctlArgs: [] } }),
      mock.deps,
    );

    const release = await platform.push(commit, log);

    expect(release.label).toBe('v5');
    const argvLine = logLines.find((line) => line.startsWith('argv '));
    const argv = JSON.parse(argvLine?.slice(5) ?? '[]') as string[];
    expect(argv[0]).toBe('deploy');
    expect(argv.join(' ')).not.toContain('fm2_');
    expect(logLines).toContain(`token ${macaroonToken}`);
    expect(logLines).toContain(`cwd ${dir}`);
  });
});
