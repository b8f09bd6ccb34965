// Builds, releases, the release phase, rollback and the router of the simulated Heroku, end to
// end over real HTTP with the example app really running.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { c as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../sim/index.js';
import type { Simulator } from '../../sim/index.js';

const TOKEN = 'hk-deploy-test-token';
const exampleApp = path.resolve(import.meta.dirname, '..', '..', 'examples', 'app');

interface BuildJson {
  id: string;
  status: string;
  output_stream_url: string;
  release: { id: string } | null;
}
interface ReleaseJson {
  id: string;
  version: number;
  status: string;
  current: boolean;
  description: string;
  output_stream_url: string | null;
}

let sim: Simulator;
let tempDir: string;
let dirCounter = 0;

async function api<T>(method: string, urlPath: string, body?: unknown): Promise<[number, T]> {
  const response = await fetch(`${sim.herokuApiUrl}${urlPath}`, {
    method,
    headers: {
      accept: 'application/vnd.heroku+json; version=3',
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return [response.status, (await response.json()) as T];
}

/** A copy of examples/app with its app-config.json and, optionally, another Procfile. */
async function appDir(config: object, procfile?: string | null): Promise<string> {
  const dir = path.join(tempDir, `app-${(dirCounter += 1)}`);
  await cp(exampleApp, dir, { recursive: true });
  await writeFile(path.join(dir, 'app-config.json'), JSON.stringify(config));
  if (procfile === null) await rm(path.join(dir, 'Procfile'));
  else if (procfile !== undefined) await writeFile(path.join(dir, 'Procfile'), procfile);
  return dir;
}

async function tarball(dir: string): Promise<{ file: string; sha256: string }> {
  const file = `${dir}.tar.gz`;
  await createTar({ gzip: true, cwd: dir, file }, await readdir(dir));
  const sha256 = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  return { file, sha256 };
}

/** Uploads `dir` as a source blob and starts a build, the way the action does. */
async function startBuild(app: string, dir: string, checksum?: string): Promise<BuildJson> {
  const { file, sha256 } = await tarball(dir);
  const [, source] = await api<{ source_blob: { get_url: string; put_url: string } }>(
    'POST',
    '/sources',
  );
  const put = await fetch(source.source_blob.put_url, {
    method: 'PUT',
    body: await readFile(file),
  });
  expect(put.status).toBe(200);
  const [status, build] = await api<BuildJson>('POST', `/apps/${app}/builds`, {
    source_blob: {
      url: source.source_blob.get_url,
      checksum: `SHA256:${checksum ?? sha256}`,
      version: 'a1b2c3d4e5f6',
    },
  });
  expect(status).toBe(201);
  expect(build.status).toBe('pending');
  return build;
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

const finishedBuild = (app: string, id: string): Promise<BuildJson> =>
  poll(
    async () => (await api<BuildJson>('GET', `/apps/${app}/builds/${id}`))[1],
    (build) => build.status !== 'pending',
  );

const settledRelease = (app: string, id: string): Promise<ReleaseJson> =>
  poll(
    async () => (await api<ReleaseJson>('GET', `/apps/${app}/releases/${id}`))[1],
    (release) => release.status !== 'pending',
  );

async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: (await response.text()).trim() };
}

const served = (webUrl: string, want: string): Promise<{ status: number; text: string }> =>
  poll(
    () => fetchText(new URL('/version', webUrl).href),
    (answer) => answer.text === want,
  );

/** True for a live process; a zombie (exited, not yet reaped) does not count. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

beforeAll(async () => {
  sim = await startSimulator({ herokuToken: TOKEN });
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'heroku-deploy-test-'));
});

afterAll(async () => {
  await sim?.stop();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

describe('build and release', () => {
  it('builds examples/app, runs the release phase, makes it current and serves it', async () => {
    const { webUrl } = await sim.heroku.createApp('deploy-app');
    const dir = await appDir({ version: 'one' }, 'web: node server.js\nrelease: echo migrated\n');
    const build = await startBuild('deploy-app', dir);
    // Read the output stream while the build runs: it ends when the build ends.
    const output = await fetchText(build.output_stream_url);
    expect(output.text).toContain('-----> Building on the Heroku-24 stack');
    expect(output.text).toMatch(/Procfile declares types -> release, web/);
    expect(output.text).toMatch(/Released v2/);

    const built = await finishedBuild('deploy-app', build.id);
    expect(built.status).toBe('succeeded');
    expect(built.release?.id).toMatch(/^[0-9a-f-]{36}$/);
    const release = await settledRelease('deploy-app', built.release?.id ?? '');
    expect(release).toMatchObject({ version: 2, status: 'succeeded', current: true });
    expect(release.description).toBe('Deploy a1b2c3d4');
    expect((await fetchText(release.output_stream_url ?? '')).text).toBe('migrated');

    const health = await fetchText(new URL('/health', webUrl).href);
    expect(health.status).toBe(200);
    expect(health.text).toContain('ok');
    expect((await served(webUrl, 'one')).text).toBe('one');
    const [, dynos] = await api<Array<Record<string, unknown>>>('GET', '/apps/deploy-app/dynos');
    expect(dynos).toEqual([
      expect.objectContaining({
        name: 'web.1',
        type: 'web',
        state: 'up',
        command: 'node server.js',
        release: { id: release.id, version: 2 },
      }),
    ]);
    expect(sim.heroku.state('deploy-app')).toMatchObject({
      currentVersion: 2,
      builds: [{ id: build.id, status: 'succeeded' }],
      webUrl,
    });
    expect(sim.contractViolations).toEqual([]);
  });

  it('fails a build without a Procfile and keeps the current release', async () => {
    await sim.heroku.createApp('no-procfile');
    const build = await startBuild('no-procfile', await appDir({ version: 'x' }, null));
    expect((await finishedBuild('no-procfile', build.id)).status).toBe('failed');
    const output = await fetchText(build.output_stream_url);
    expect(output.text).toContain('No Procfile found');
    expect(output.text).toContain('Build failed');
    expect(sim.heroku.state('no-procfile').currentVersion).toBe(1);
  });

  it('runs heroku-postbuild before build, indented in the output; a failing one fails', async () => {
    await sim.heroku.createApp('build-script');
    const scripts = (postbuild: string): string =>
      JSON.stringify({ scripts: { build: 'echo from build', 'heroku-postbuild': postbuild } });
    const good = await appDir({ version: 'x' });
    await writeFile(path.join(good, 'package.json'), scripts('echo compiled; echo twice'));
    const built = await startBuild('build-script', good);
    expect((await finishedBuild('build-script', built.id)).status).toBe('succeeded');
    const output = (await fetchText(built.output_stream_url)).text;
    expect(output).toMatch(/-----> Build\n {7}Running heroku-postbuild\n {7}compiled\n {7}twice/);
    expect(output).not.toContain('from build');

    const bad = await appDir({ version: 'y' });
    await writeFile(path.join(bad, 'package.json'), scripts('echo broken >&2; exit 4'));
    const failed = await startBuild('build-script', bad);
    expect((await finishedBuild('build-script', failed.id)).status).toBe('failed');
    const failedOutput = (await fetchText(failed.output_stream_url)).text;
    expect(failedOutput).toMatch(/ {7}broken\n ! {5}Failed at the heroku-postbuild script/);
    expect(sim.heroku.state('build-script').currentVersion).toBe(2);
  });

  it('fails a build whose source checksum does not match', async () => {
    await sim.heroku.createApp('bad-checksum');
    const dir = await appDir({ version: 'x' });
    const build = await startBuild('bad-checksum', dir, 'ab'.repeat(32));
    const built = await finishedBuild('bad-checksum', build.id);
    expect(built).toMatchObject({ status: 'failed', release: null });
    expect(sim.heroku.buildOutput('bad-checksum', build.id)).toContain('Checksum mismatch');
  });

  it('leaves a release whose release phase fails not current, the old one still serving', async () => {
    const { webUrl } = await sim.heroku.createApp('failing-phase');
    await sim.heroku.seedRelease('failing-phase', await appDir({ version: 'old' }));
    const procfile = 'web: node server.js\nrelease: echo migrating; exit 3\n';
    const build = await startBuild('failing-phase', await appDir({ version: 'new' }, procfile));
    const built = await finishedBuild('failing-phase', build.id);
    expect(built.status).toBe('succeeded');
    const release = await settledRelease('failing-phase', built.release?.id ?? '');
    expect(release).toMatchObject({ version: 3, status: 'failed', current: false });
    expect((await fetchText(release.output_stream_url ?? '')).text).toBe('migrating');
    expect(sim.heroku.state('failing-phase').currentVersion).toBe(2);
    expect((await fetchText(new URL('/version', webUrl).href)).text).toBe('old');
  });
});

describe('rollback', () => {
  it('creates "Rollback to vN" with the old slug and the router serves the old code', async () => {
    const { webUrl } = await sim.heroku.createApp('rollback-app');
    const good = await sim.heroku.seedRelease('rollback-app', await appDir({ version: 'good' }));
    const build = await startBuild('rollback-app', await appDir({ version: 'bad' }));
    await finishedBuild('rollback-app', build.id);
    expect((await served(webUrl, 'bad')).text).toBe('bad');

    const [status, rollback] = await api<ReleaseJson>('POST', '/apps/rollback-app/releases', {
      release: good.id,
    });
    expect(status).toBe(201);
    expect(rollback).toMatchObject({ version: 4, description: `Rollback to v${good.version}` });
    expect(await settledRelease('rollback-app', rollback.id)).toMatchObject({ current: true });
    expect((await served(webUrl, 'good')).text).toBe('good');

    const [missing, error] = await api<{ id: string }>('POST', '/apps/rollback-app/releases', {
      release: crypto.randomUUID(),
    });
    expect([missing, error.id]).toEqual([404, 'not_found']);
    expect(sim.contractViolations).toEqual([]);
  });
});

describe('router', () => {
  it('with preboot lists the new dyno up at once but routes to it only after the window', async () => {
    const windowMs = 2_000;
    const { webUrl } = await sim.heroku.createApp('preboot-app', {
      preboot: true,
      prebootWindowMs: windowMs,
    });
    await sim.heroku.seedRelease('preboot-app', await appDir({ version: 'v1' }));
    const build = await startBuild('preboot-app', await appDir({ version: 'v2' }));
    const built = await finishedBuild('preboot-app', build.id);
    const releasedAt = Date.now();
    const newRelease = built.release?.id ?? '';
    // The dyno list shows the new release's dyno up while the old one still answers.
    const dynos = await poll(
      async () =>
        (
          await api<Array<{ state: string; release: { id: string }; size: string }>>(
            'GET',
            '/apps/preboot-app/dynos',
          )
        )[1],
      (list) => list[0]?.state === 'up',
    );
    expect(dynos[0]).toMatchObject({ state: 'up', release: { id: newRelease } });
    expect(dynos[0]?.size).toBe('Standard-1X');
    expect((await fetchText(new URL('/version', webUrl).href)).text).toBe('v1');
    expect(Date.now() - releasedAt).toBeLessThan(windowMs);
    await served(webUrl, 'v2');
    expect(Date.now() - releasedAt).toBeGreaterThanOrEqual(windowMs - 100);
  });

  it('answers 503 Application error (H10) while the dyno is crashed', async () => {
    const { webUrl } = await sim.heroku.createApp('crash-app', { crashRestartMs: 60_000 });
    // Exits before it ever listens: every restart crashes again.
    const crashing = { version: 'c', startupDelayMs: 50, crashAfterMs: 0 };
    await sim.heroku.seedRelease('crash-app', await appDir(crashing));
    const crashed = await poll(
      async () => (await api<Array<{ state: string }>>('GET', '/apps/crash-app/dynos'))[1],
      (dynos) => dynos[0]?.state === 'crashed',
    );
    expect(crashed[0]?.state).toBe('crashed');
    const answer = await fetch(webUrl);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(await answer.text()).toContain('Application error');
  });

  it('restarts a crashed dyno at once, then after a cool-off that doubles', async () => {
    const lines: string[] = [];
    const own = await startSimulator({ herokuToken: TOKEN, log: (line) => lines.push(line) });
    try {
      await own.heroku.createApp('backoff-app', { crashRestartMs: 300 });
      const crashing = { version: 'b', startupDelayMs: 2_000, crashAfterMs: 0 };
      await own.heroku.seedRelease('backoff-app', await appDir(crashing));
      const starts = (): number =>
        lines.filter((line) => /backoff-app heroku\[web\.1\]: Starting process/.test(line)).length;
      const times: number[] = [];
      const deadline = Date.now() + 10_000;
      while (times.length < 4 && Date.now() < deadline) {
        if (starts() > times.length) times.push(Date.now());
        await sleep(10);
      }
      expect(times).toHaveLength(4);
      const gaps = times.slice(1).map((at, index) => at - (times[index] ?? at));
      // Crash 1 restarts at once; then 300 ms, then 600 ms of cool-off.
      expect(gaps[0]).toBeLessThan(250);
      expect(gaps[1]).toBeGreaterThanOrEqual(250);
      expect(gaps[2]).toBeGreaterThanOrEqual(550);
    } finally {
      await own.stop();
    }
  });

  it('answers 503 (H20) when the dyno does not boot in time, then serves once it is up', async () => {
    const { webUrl } = await sim.heroku.createApp('slow-app', { bootTimeoutMs: 300 });
    await sim.heroku.seedRelease('slow-app', await appDir({ version: 's', startupDelayMs: 1500 }));
    const early = await fetchText(webUrl);
    expect(early.status).toBe(503);
    expect((await served(webUrl, 's')).status).toBe(200);
  });

  it('proxies method, path, headers and body to the dyno', async () => {
    const { webUrl } = await sim.heroku.createApp('echo-app');
    const dir = path.join(tempDir, 'echo');
    await cp(exampleApp, dir, { recursive: true });
    await writeFile(
      path.join(dir, 'echo.js'),
      "require('http').createServer((q, s) => { let b = ''; q.on('data', (c) => (b += c));" +
        " q.on('end', () => { s.setHeader('x-seen', q.headers['x-probe'] || '');" +
        " s.end(q.method + ' ' + q.url + ' ' + b); }); }).listen(process.env.PORT);\n",
    );
    await writeFile(path.join(dir, 'Procfile'), 'web: node echo.cjs\n');
    await cp(path.join(dir, 'echo.js'), path.join(dir, 'echo.cjs'));
    await sim.heroku.seedRelease('echo-app', dir);
    const answer = await fetch(new URL('/some/path?q=1', webUrl), {
      method: 'POST',
      headers: { 'x-probe': 'yes' },
      body: 'payload',
    });
    expect(answer.headers.get('x-seen')).toBe('yes');
    expect(answer.headers.get('via')).toBe('1.1 vegur');
    expect(await answer.text()).toBe('POST /some/path?q=1 payload');
  });
});

describe('stop', () => {
  it('kills every process of a dyno, including children of its shell', async () => {
    const own = await startSimulator();
    const pidFile = path.join(tempDir, 'child.pid');
    try {
      await own.heroku.createApp('stop-app');
      const dir = await appDir({ version: 'p' });
      await writeFile(
        path.join(dir, 'Procfile'),
        `web: node server.js & echo $! > ${pidFile}; wait\n`,
      );
      await own.heroku.seedRelease('stop-app', dir);
    } finally {
      await own.stop();
    }
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(isRunning(pid)).toBe(false);
  });
});
