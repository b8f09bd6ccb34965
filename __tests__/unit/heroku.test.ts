import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/io/errors.js';
import { BUILD_LOOKUP_PAUSE_MS } from '../../src/platforms/heroku/build-start.js';
import { createHerokuPlatform } from '../../src/platforms/heroku/heroku.js';
import type { HerokuPlatform } from '../../src/platforms/heroku/heroku.js';
import { createTempRepo } from '../helpers/heroku-git.js';
import type { TempRepo } from '../helpers/heroku-git.js';
import {
  apiToken,
  buildBody,
  createHerokuMock,
  jsonBody,
  outputOrigin,
  releaseBody,
  settingsFor,
} from '../helpers/heroku-mock.js';
import type { HerokuMock } from '../helpers/heroku-mock.js';
import { startTestServer } from '../helpers/http-server.js';
import type { TestServer } from '../helpers/http-server.js';
import { deployError, rejection } from '../helpers/rejection.js';

const firstRange = 'version ..; max=10, order=desc';

let mock: HerokuMock;
let repo: TempRepo;
let tempRoot: string;
let blob: TestServer;
let platform: HerokuPlatform;
let logLines: string[];

const log = (line: string): void => {
  logLines.push(line);
};

/** POST /sources answering with an upload URL on the local blob server. */
function mockSources(): void {
  mock.api.intercept({ path: '/sources', method: 'POST' }).reply(201, {
    source_blob: {
      get_url: 'https://blob.heroku.test/get/src-1?sig=get',
      put_url: `${blob.url}/put/src-1?X-Amz-Signature=s3cret`,
    },
  });
}

function mockBuildCreated(
  output = '-----> Building on the Heroku-24 stack\n-----> Node.js app detected\n',
): void {
  mock.api
    .intercept({ path: '/apps/demo/builds', method: 'POST' })
    .reply(201, buildBody('pending'));
  mock.output.intercept({ path: '/streams/build-1', method: 'GET' }).reply(200, output);
}

beforeEach(async () => {
  mock = createHerokuMock();
  repo = await createTempRepo({ 'package.json': '{"name":"demo"}\n', 'server.js': 'v1\n' });
  tempRoot = await mkdtemp(path.join(os.tmpdir(), 'heroku-temp-root-'));
  blob = await startTestServer((_request, response) => {
    response.writeHead(200).end();
  });
  platform = createHerokuPlatform(settingsFor(repo.appDir), { ...mock.deps, tempRoot });
  logLines = [];
});

afterEach(async () => {
  await platform.close();
  await mock.close();
  await blob.close();
  await repo.remove();
  await rm(tempRoot, { recursive: true, force: true });
});

describe('snapshot', () => {
  it('reads the app, preboot and the current release across Range pages', async () => {
    mock.api.intercept({ path: '/apps/demo', method: 'GET' }).reply(200, {
      name: 'demo',
      web_url: 'https://demo-1234.herokuapp.com/',
    });
    mock.api
      .intercept({ path: '/apps/demo/features/preboot', method: 'GET' })
      .reply(200, { name: 'preboot', enabled: true });
    mock.api
      .intercept({
        path: '/apps/demo/releases',
        method: 'GET',
        headers: { range: firstRange },
      })
      .reply(206, [releaseBody(12, { status: 'failed' }), releaseBody(11, { status: 'failed' })], {
        headers: { 'Next-Range': ']11..; max=10, order=desc' },
      });
    mock.api
      .intercept({
        path: '/apps/demo/releases',
        method: 'GET',
        headers: { range: ']11..; max=10, order=desc' },
      })
      .reply(200, [releaseBody(10, { current: true }), releaseBody(9)]);

    const snapshot = await platform.snapshot();

    expect(snapshot).toEqual({
      current: { id: 'rel-10', label: 'v10' },
      webUrl: 'https://demo-1234.herokuapp.com/',
      switchoverSeconds: 210,
      notices: [expect.stringContaining('Preboot is enabled on demo')],
      restore: { kind: 'release', target: { id: 'rel-10', label: 'v10' } },
    });
    const first = mock.calls('GET', '/apps/demo')[0];
    expect(first?.headers).toMatchObject({
      accept: 'application/vnd.heroku+json; version=3',
      authorization: `Bearer ${apiToken}`,
      'user-agent': 'guarded-deploy/0.0.0-test',
    });
    expect(mock.calls('GET', '/apps/demo/releases')).toHaveLength(2);
  });

  it('says the app was not found, and never creates one', async () => {
    mock.api
      .intercept({ path: '/apps/demo', method: 'GET' })
      .reply(404, { id: 'not_found', message: "Couldn't find that app." });
    const error = await rejection(platform.snapshot());
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toBe(
      "Heroku app 'demo' not found: check the `app` input (this action never creates apps). " +
        "Heroku API answered 404 not_found: Couldn't find that app. (GET /apps/demo)",
    );
    expect(mock.calls('POST', /.*/)).toHaveLength(0);
  });

  it('says the token was refused, without showing it', async () => {
    mock.api
      .intercept({ path: '/apps/demo', method: 'GET' })
      .reply(401, { id: 'unauthorized', message: 'Invalid credentials provided.' });
    const error = await rejection(platform.snapshot());
    const message = error.message;
    expect(message).toContain('The Heroku API refused the token: check the `api-token` secret');
    expect(message).toContain('401 unauthorized: Invalid credentials provided.');
    expect(message).not.toContain(apiToken);
  });

  it('waits as a 429 Retry-After asks, then goes on', async () => {
    mock.api.intercept({ path: '/apps/demo', method: 'GET' }).reply(
      429,
      { id: 'rate_limit', message: 'Your account reached the API rate limit' },
      {
        headers: { 'Retry-After': '3' },
      },
    );
    mock.api
      .intercept({ path: '/apps/demo', method: 'GET' })
      .reply(200, { name: 'demo', web_url: 'https://demo.herokuapp.com/' });
    mock.api
      .intercept({ path: '/apps/demo/features/preboot', method: 'GET' })
      .reply(200, { enabled: false });
    mock.api
      .intercept({ path: '/apps/demo/releases', method: 'GET' })
      .reply(200, [releaseBody(3, { current: true })]);
    const snapshot = await platform.snapshot();
    expect(mock.sleeps).toEqual([3_000]);
    expect(snapshot.switchoverSeconds).toBe(0);
    expect(snapshot.notices).toEqual([]);
  });
});

describe('liveRelease', () => {
  it('retries the release listing after a 5xx', async () => {
    mock.api
      .intercept({ path: '/apps/demo/releases', method: 'GET' })
      .reply(503, { id: 'unavailable', message: 'Busy.' });
    mock.api
      .intercept({ path: '/apps/demo/releases', method: 'GET' })
      .reply(200, [releaseBody(8), releaseBody(7, { current: true })]);
    expect(await platform.liveRelease()).toEqual({ id: 'rel-7', label: 'v7' });
    expect(mock.calls('GET', '/apps/demo/releases')).toHaveLength(2);
  });
});

describe('push', () => {
  it('uploads the committed source, builds, streams output and waits for the release', async () => {
    mockSources();
    mockBuildCreated();
    mock.api
      .intercept({ path: '/apps/demo/builds/build-1', method: 'GET' })
      .reply(200, buildBody('succeeded', 'rel-13'));
    mock.api
      .intercept({ path: '/apps/demo/releases/rel-13', method: 'GET' })
      .reply(200, releaseBody(13, { status: 'pending' }));
    mock.api
      .intercept({ path: '/apps/demo/releases/rel-13', method: 'GET' })
      .reply(200, releaseBody(13, { status: 'pending' }));
    mock.api
      .intercept({ path: '/apps/demo/releases/rel-13', method: 'GET' })
      .reply(200, releaseBody(13, { status: 'succeeded', current: true }));

    const release = await platform.push(repo.commit, log);

    expect(release).toEqual({ id: 'rel-13', label: 'v13' });
    expect(blob.requests).toHaveLength(1);
    const upload = blob.requests[0];
    expect(upload?.method).toBe('PUT');
    expect(upload?.url).toBe('/put/src-1?X-Amz-Signature=s3cret');
    expect(upload?.headers['content-length']).toBe(String(upload?.body.length));
    expect(upload?.headers['content-type']).toBeUndefined();
    expect(upload?.headers.authorization).toBeUndefined();
    const sha = createHash('sha256')
      .update(upload?.body ?? Buffer.alloc(0))
      .digest('hex');
    expect(jsonBody(mock.calls('POST', '/apps/demo/builds')[0])).toEqual({
      source_blob: {
        url: 'https://blob.heroku.test/get/src-1?sig=get',
        checksum: `SHA256:${sha}`,
        version: repo.commit,
      },
    });
    expect(logLines).toContain('-----> Node.js app detected');
    expect(logLines).toContain('v13 is live');
    // Pending on the first read and one poll: two waits, growing.
    expect(mock.sleeps).toEqual([100, 200]);
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it('reports a failed build with its last output; the live release did not change', async () => {
    mockSources();
    mockBuildCreated();
    mock.api
      .intercept({ path: '/apps/demo/builds/build-1', method: 'GET' })
      .reply(200, buildBody('failed'));
    const error = await deployError(platform.push(repo.commit, log));
    expect(error.liveChanged).toBe(false);
    expect(error.message).toContain('Heroku build build-1 of');
    expect(error.message).toContain('failed; nothing was released');
    expect(error.message).toContain('-----> Node.js app detected');
    expect(mock.calls('GET', /^\/apps\/demo\/releases/)).toHaveLength(0);
  });

  it("quotes a failed build's error lines (marked ` !`) in the first line", async () => {
    mockSources();
    mockBuildCreated(
      '-----> Node.js app detected\n !     npm ci can only install with a package-lock.json\n' +
        ' !\n !     Push rejected, failed to compile Node.js app.\n',
    );
    mock.api
      .intercept({ path: '/apps/demo/builds/build-1', method: 'GET' })
      .reply(200, buildBody('failed'));
    const error = await deployError(platform.push(repo.commit, log));
    expect(error.message.split('\n')[0]).toMatch(
      /failed; nothing was released: npm ci can only install with a package-lock.json Push rejected, failed to compile Node.js app.$/,
    );
    expect(error.output?.lines).toContain('-----> Node.js app detected');
  });

  it('reports a failed release phase: that version was never deployed', async () => {
    mockSources();
    mockBuildCreated();
    mock.api
      .intercept({ path: '/apps/demo/builds/build-1', method: 'GET' })
      .reply(200, buildBody('succeeded', 'rel-13'));
    mock.api
      .intercept({ path: '/apps/demo/releases/rel-13', method: 'GET' })
      .reply(
        200,
        releaseBody(13, { status: 'pending', output_stream_url: `${outputOrigin}/streams/rel-13` }),
      );
    mock.output
      .intercept({ path: '/streams/rel-13', method: 'GET' })
      .reply(200, 'Running migrations\nmigration 42 failed\n');
    mock.api
      .intercept({ path: '/apps/demo/releases/rel-13', method: 'GET' })
      .reply(200, releaseBody(13, { status: 'failed' }));
    const error = await deployError(platform.push(repo.commit, log));
    expect(error.liveChanged).toBe(false);
    expect(error.message).toBe(
      'The release phase of v13 failed (its last line: migration 42 failed): v13 was never ' +
        'deployed and the previous release ' +
        'keeps serving.',
    );
    expect(logLines).toContain('migration 42 failed');
  });

  /** The latest builds as `GET /apps/demo/builds` lists them; `build-1` made from `url`. */
  function mockBuildList(url: string | undefined): void {
    const other = { ...buildBody('succeeded', 'rel-12'), id: 'build-0' };
    const ours = { ...buildBody('pending'), source_blob: { url, checksum: null, version: null } };
    mock.api
      .intercept({ path: '/apps/demo/builds', method: 'GET' })
      .reply(200, url === undefined ? [other] : [ours, other]);
  }

  function mockBuildSucceeded(): void {
    mock.output.intercept({ path: '/streams/build-1', method: 'GET' }).reply(200, 'built\n');
    mock.api
      .intercept({ path: '/apps/demo/builds/build-1', method: 'GET' })
      .reply(200, buildBody('succeeded', 'rel-13'));
    mock.api
      .intercept({ path: '/apps/demo/releases/rel-13', method: 'GET' })
      .reply(200, releaseBody(13, { status: 'succeeded', current: true }))
      .times(2);
  }

  // Read before repeating (platforms/kit/outcome.ts): a 5xx leaves it open whether Heroku
  // made the build; two reads a moment apart find none of this upload, so it is sent again.
  it('sends POST /builds again after a 5xx only when two reads find no build of the upload', async () => {
    mockSources();
    mock.api
      .intercept({ path: '/apps/demo/builds', method: 'POST' })
      .reply(500, { id: 'internal_server_error', message: 'Oops.' });
    mockBuildList(undefined);
    mockBuildList(undefined);
    mockBuildCreated();
    mockBuildSucceeded();

    await expect(platform.push(repo.commit, log)).resolves.toEqual({ id: 'rel-13', label: 'v13' });
    expect(mock.calls('POST', '/apps/demo/builds')).toHaveLength(2);
    expect(mock.calls('GET', '/apps/demo/builds')).toHaveLength(2);
    expect(mock.sleeps).toContain(BUILD_LOOKUP_PAUSE_MS);
    expect(logLines).toContain(
      'No build of this upload was made; build build-1 started on a second request',
    );
  });

  it('never sends POST /builds a third time: a second unclear answer fails the push', async () => {
    mockSources();
    mock.api
      .intercept({ path: '/apps/demo/builds', method: 'POST' })
      .reply(500, { id: 'internal_server_error', message: 'Oops.' })
      .persist();
    mockBuildList(undefined);
    mockBuildList(undefined);
    const error = await deployError(platform.push(repo.commit, log));
    expect(mock.calls('POST', '/apps/demo/builds')).toHaveLength(2);
    expect(error.liveChanged).toBe(true);
    expect(error.message).toContain('500 internal_server_error: Oops. (POST /apps/demo/builds)');
  });

  // The one rule (platforms/kit/outcome.ts): a 2xx means Heroku created the build, even when
  // its body cannot be read; sending it again would build twice. The build is found by the
  // upload it was made from, and followed.
  it('follows the build a garbled 2xx to POST /builds made, found by its upload', async () => {
    mockSources();
    mock.api.intercept({ path: '/apps/demo/builds', method: 'POST' }).reply(201, '{"id": "bu');
    mockBuildList('https://blob.heroku.test/get/src-1?sig=get');
    mockBuildSucceeded();

    await expect(platform.push(repo.commit, log)).resolves.toEqual({ id: 'rel-13', label: 'v13' });
    expect(mock.calls('POST', '/apps/demo/builds')).toHaveLength(1);
    expect(logLines).toContain('Build build-1 started (found by its upload)');
  });

  it('takes a 4xx to POST /builds as nothing built', async () => {
    mockSources();
    mock.api
      .intercept({ path: '/apps/demo/builds', method: 'POST' })
      .reply(422, { id: 'invalid_params', message: 'Bad checksum.' });
    const error = await deployError(platform.push(repo.commit, log));
    expect(error.liveChanged).toBe(false);
  });

  it('fails before any build without changing the live release when the upload fails', async () => {
    await blob.close();
    blob = await startTestServer((_request, response) => {
      response.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
    });
    mockSources();
    const error = await deployError(platform.push(repo.commit, log));
    expect(error.liveChanged).toBe(false);
    expect(error.message).toMatch(/^Could not ship [0-9a-f]{12} to Heroku: 127\.0\.0\.1:\d+ /);
    expect(error.message).toMatch(/answered 403 AccessDenied \(PUT \/put\/src-1\)$/);
    expect(error.message).not.toContain('s3cret');
    expect(blob.requests).toHaveLength(1);
    expect(mock.calls('POST', '/apps/demo/builds')).toHaveLength(0);
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it('loses track after the build was created: the live release may have changed', async () => {
    mockSources();
    mockBuildCreated();
    mock.api
      .intercept({ path: '/apps/demo/builds/build-1', method: 'GET' })
      .reply(500, { id: 'internal_server_error', message: 'Oops.' })
      .persist();
    const error = await deployError(platform.push(repo.commit, log));
    expect(error.liveChanged).toBe(true);
    expect(error.message).toContain('Lost track of the Heroku build build-1');
  });
});

describe('rollback', () => {
  it('creates a release from the target once and polls it until it is live', async () => {
    mock.api
      .intercept({ path: '/apps/demo/releases', method: 'POST' })
      .reply(201, releaseBody(14, { status: 'pending', description: 'Rollback to v10' }));
    mock.api
      .intercept({ path: '/apps/demo/releases/rel-14', method: 'GET' })
      .reply(200, releaseBody(14, { status: 'pending' }));
    mock.api
      .intercept({ path: '/apps/demo/releases/rel-14', method: 'GET' })
      .reply(200, releaseBody(14, { status: 'succeeded', current: true }));

    const release = await platform.rollback(
      { kind: 'release', target: { id: 'rel-10', label: 'v10' } },
      log,
    );

    expect(release).toEqual({ id: 'rel-14', label: 'v14' });
    expect(mock.calls('POST', '/apps/demo/releases')).toHaveLength(1);
    expect(jsonBody(mock.calls('POST', '/apps/demo/releases')[0])).toEqual({ release: 'rel-10' });
    expect(mock.calls('GET', '/apps/demo/releases/rel-14')).toHaveLength(2);
    expect(mock.sleeps).toEqual([100, 200]);
  });

  it('throws when the rollback release fails its release phase', async () => {
    mock.api
      .intercept({ path: '/apps/demo/releases', method: 'POST' })
      .reply(201, releaseBody(14, { status: 'pending' }));
    mock.api
      .intercept({ path: '/apps/demo/releases/rel-14', method: 'GET' })
      .reply(200, releaseBody(14, { status: 'failed' }));
    const error = await deployError(
      platform.rollback({ kind: 'release', target: { id: 'rel-10', label: 'v10' } }, log),
    );
    expect(error.message).toContain('Rollback to v10 failed');
  });

  it('does not repeat the rollback POST after a reset', async () => {
    mock.api
      .intercept({ path: '/apps/demo/releases', method: 'POST' })
      .replyWithError(new Error('other side closed'))
      .persist();
    const error = await deployError(
      platform.rollback({ kind: 'release', target: { id: 'rel-10', label: 'v10' } }, log),
    );
    expect(mock.calls('POST', '/apps/demo/releases')).toHaveLength(1);
    expect(error.liveChanged).toBe(true);
  });
});

describe('resolveTarget without a spec', () => {
  it('reads newest first across Range pages, past failed and expired releases', async () => {
    const slug = (id: string): Record<string, unknown> => ({ slug: { id } });
    mock.api
      .intercept({ path: '/apps/demo/releases', method: 'GET', headers: { range: firstRange } })
      .reply(
        206,
        [
          { ...releaseBody(12, { current: true }), ...slug('s12'), eligible_for_rollback: true },
          { ...releaseBody(11, { status: 'failed' }), ...slug('s11') },
          { ...releaseBody(10, { status: 'expired' }), ...slug('s10') },
        ],
        { headers: { 'Next-Range': 'version ]10..; max=10, order=desc' } },
      );
    mock.api
      .intercept({
        path: '/apps/demo/releases',
        method: 'GET',
        headers: { range: 'version ]10..; max=10, order=desc' },
      })
      .reply(200, [{ ...releaseBody(9), ...slug('s9'), eligible_for_rollback: true }]);

    const plan = await platform.resolveTarget(undefined);

    expect(plan.target).toEqual({ id: 'rel-9', label: 'v9', content: 's9' });
    expect(mock.calls('GET', '/apps/demo/releases')).toHaveLength(2);
  });

  it('says why no release qualifies', async () => {
    mock.api
      .intercept({ path: '/apps/demo/releases', method: 'GET', headers: { range: firstRange } })
      .reply(200, [
        releaseBody(3, { current: true }),
        releaseBody(2, { status: 'failed' }),
        { ...releaseBody(1), slug: null, eligible_for_rollback: false },
      ]);
    const error = await rejection(platform.resolveTarget(undefined));
    expect(String(error)).toMatch(
      /no release before v3 to roll back to .*v2: its status is failed; v1: Heroku marks it not eligible/,
    );
  });
});
