// dist/index.js: the test gate refuses, and bad inputs fail, before any platform call.
import { symlinkSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScenario, type Scenario } from '../../sim/scenario.js';
import type { SimJob } from '../../sim/types.js';
import { expectContractKept, expectReported } from '../helpers/assert-run.js';
import { checkScenario } from '../helpers/scenario-hooks.js';

let scenario: Scenario;
beforeAll(async () => {
  scenario = await startScenario({ initial: { version: 'good' } });
});
afterAll(async () => {
  try {
    checkScenario(scenario);
  } finally {
    await scenario.close();
  }
});

const self: SimJob = {
  name: 'deploy',
  status: 'in_progress',
  conclusion: null,
  runnerName: 'GitHub Actions 7',
};

function platformRequests(): number {
  return scenario.sim.requests.filter((request) => request.api !== 'github').length;
}

const refusals: Array<[string, SimJob[], Record<string, string>, RegExp]> = [
  [
    'a failed test job',
    [{ name: 'test', status: 'completed', conclusion: 'failure' }],
    { 'require-jobs': 'test' },
    /test.*failure/,
  ],
  [
    'a skipped test job',
    [{ name: 'test', status: 'completed', conclusion: 'skipped' }],
    { 'require-jobs': 'test' },
    /test.*skipped/,
  ],
  [
    'a missing test job',
    [{ name: 'lint', status: 'completed', conclusion: 'success' }],
    { 'require-jobs': 'test' },
    /test/,
  ],
  [
    'a test job still running',
    [{ name: 'test', status: 'in_progress', conclusion: null }],
    { 'require-jobs': 'test' },
    /needs/,
  ],
  [
    'one failed matrix leg',
    [
      { name: 'test (20.x)', status: 'completed', conclusion: 'success' },
      { name: 'test (22.x)', status: 'completed', conclusion: 'failure' },
    ],
    { 'require-jobs': 'test (*)' },
    /test \(22\.x\)/,
  ],
  ['no finished job at all', [], {}, /finish|no other job|nothing/i],
  [
    'a cancelled job, with require-jobs empty',
    [{ name: 'lint', status: 'completed', conclusion: 'cancelled' }],
    {},
    /lint/,
  ],
  [
    'another job still running, with require-jobs empty',
    [
      { name: 'lint', status: 'completed', conclusion: 'success' },
      { name: 'test', status: 'queued', conclusion: null },
    ],
    {},
    /'test' is still queued: add it to needs:/,
  ],
  [
    'a failed needs entry',
    [{ name: 'test', status: 'completed', conclusion: 'success' }],
    { needs: '{"test":{"result":"failure","outputs":{}}}' },
    /test/,
  ],
];

describe('gate', () => {
  it.each(refusals)('refuses %s and pushes nothing', async (_label, jobs, inputs, why) => {
    scenario.setJobs([...jobs, self]);
    const before = platformRequests();
    const result = await scenario.deploy({ version: 'never' }, inputs);
    expectReported(result, 'refused');
    expect(result.annotations[0]?.message).toMatch(why);
    expect(result.summary).toMatch(/### Test gate/);
    expect(platformRequests()).toBe(before);
    expect(await scenario.liveVersion()).toBe('good');
  });

  it('says which permission is missing when the jobs API answers 403', async () => {
    scenario.setJobs([{ name: 'test', status: 'completed', conclusion: 'success' }, self]);
    scenario.sim.github.inject({
      method: 'GET',
      path: /\/jobs$/,
      status: 403,
      times: 1,
      body: { message: 'Resource not accessible by integration' },
      headers: { 'x-accepted-github-permissions': 'actions=read' },
    });
    const result = await scenario.deploy({ version: 'never' });
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/actions: read/);
  });

  it('passes on matrix wildcards and a successful needs', async () => {
    scenario.setJobs([
      { name: 'test (20.x)', status: 'completed', conclusion: 'success' },
      { name: 'test (22.x)', status: 'completed', conclusion: 'success' },
      self,
    ]);
    const result = await scenario.deploy(
      { version: 'gated' },
      { 'require-jobs': 'test (*)', needs: '{"test":{"result":"success","outputs":{}}}' },
    );
    expectReported(result, 'deployed');
    expect(await scenario.liveVersion()).toBe('gated');
    expectContractKept(scenario.sim);
  });
});

const badInputs: Array<[string, Record<string, string>, string]> = [
  ['unknown platform', { platform: 'aws' }, 'platform'],
  ['empty app', { app: '' }, 'app'],
  ['app with shell metacharacters', { app: 'shop$(id)' }, 'app'],
  ['app with path traversal', { app: '../../etc' }, 'app'],
  ['empty api-token', { 'api-token': '' }, 'api-token'],
  ['api-url with credentials', { 'api-url': 'http://user:pw@127.0.0.1:1' }, 'api-url'],
  ['health-url not http(s)', { 'health-url': 'ftp://x/health' }, 'health-url'],
  ['zero interval', { 'health-interval': '0' }, 'health-interval'],
  ['non-numeric timeout', { 'health-timeout': 'ten' }, 'health-timeout'],
  ['threshold beyond timeout', { 'healthy-threshold': '50' }, 'healthy-threshold'],
  ['malformed expected-status', { 'expected-status': '2xx' }, 'expected-status'],
  ['unreadable source-dir', { 'source-dir': 'missing-dir' }, 'source-dir'],
  ['rollback not boolean', { rollback: 'maybe' }, 'rollback'],
  ['empty platform', { platform: '' }, 'platform'],
  ['app with capitals', { app: 'Shop' }, 'app'],
  ['app too long for heroku', { app: `a${'b'.repeat(30)}` }, 'app'],
  ['api-token with a line break', { 'api-token': 'abc\ndef' }, 'api-token'],
  ['api-url not http(s)', { 'api-url': 'file:///etc/passwd' }, 'api-url'],
  ['health-url with credentials', { 'health-url': 'http://u:p@127.0.0.1/health' }, 'health-url'],
  ['negative interval', { 'health-interval': '-5' }, 'health-interval'],
  ['zero timeout', { 'health-timeout': '0' }, 'health-timeout'],
  ['fractional threshold', { 'healthy-threshold': '2.5' }, 'healthy-threshold'],
  ['reversed status range', { 'expected-status': '299-200' }, 'expected-status'],
  ['needs not JSON', { needs: 'test=success' }, 'needs'],
  ['unknown mode', { mode: 'yolo' }, 'mode'],
  ['to-release outside rollback mode', { 'to-release': 'v3' }, 'to-release'],
  ['version-url not http(s)', { 'version-url': 'gopher://x' }, 'version-url'],
  ['expected-version without version-url', { 'expected-version': 'abc' }, 'expected-version'],
  [
    'source-dir by path traversal to a file',
    { 'source-dir': '../../../etc/hostname' },
    'source-dir',
  ],
  // Issue 13, items 8-12 and 4: inputs that passed but should not.
  ['interval rounding to 0 ms', { 'health-interval': '0.0001' }, 'health-interval'],
  ['timeout rounding to 0 ms', { 'health-timeout': '0.0004' }, 'health-timeout'],
  [
    'timeout that fits no poll',
    { 'health-timeout': '0.5', 'healthy-threshold': '1' },
    'health-timeout',
  ],
  ['api-url over http to a remote host', { 'api-url': 'http://api.heroku.com' }, 'api-url'],
  ['api-url with a query', { 'api-url': 'https://api.heroku.com/?x=1' }, 'api-url'],
  ['api-url with a fragment', { 'api-url': 'https://api.heroku.com/#top' }, 'api-url'],
  ['health-url with a tab', { 'health-url': 'http://exa\tmple.com/health' }, 'health-url'],
  ['health-url with a newline', { 'health-url': 'http://example.com/he\nalth' }, 'health-url'],
  [
    'health-url over 2048 characters',
    { 'health-url': `https://e.com/${'a'.repeat(2048)}` },
    'health-url',
  ],
  ['environment with U+007F', { environment: 'prod\u007f' }, 'environment'],
  ['environment with U+0085', { environment: 'prod\u0085' }, 'environment'],
  ['environment with U+202E', { environment: 'prod\u202etset' }, 'environment'],
  ['environment over 255 characters', { environment: 'e'.repeat(256) }, 'environment'],
  ['source-dir ../..', { 'source-dir': '../..' }, 'source-dir'],
  ['source-dir /', { 'source-dir': '/' }, 'source-dir'],
  [
    'fly-config outside the workspace',
    { platform: 'fly', 'fly-config': '/etc/hostname' },
    'fly-config',
  ],
  ['require-jobs pattern over 200 characters', { 'require-jobs': 'x'.repeat(201) }, 'require-jobs'],
  ['source-dir through a symlink out of the workspace', { 'source-dir': 'link-out' }, 'source-dir'],
  ['fly source-dir ../..', { platform: 'fly', 'source-dir': '../..' }, 'source-dir'],
  ['fly source-dir /', { platform: 'fly', 'source-dir': '/' }, 'source-dir'],
];

describe('bad inputs', () => {
  beforeAll(async () => {
    // A link inside the checkout that leads out of it; git never commits it.
    symlinkSync(os.tmpdir(), path.join(scenario.repo.dir, 'link-out'));
    await appendFile(path.join(scenario.repo.dir, '.git', 'info', 'exclude'), 'link-out\n');
  });

  it.each(badInputs)('%s: named in the error, no API call', async (_label, inputs, input) => {
    const before = scenario.sim.requests.length;
    const result = await scenario.deploy({ version: 'never' }, inputs);
    expectReported(result, 'failed');
    expect(result.annotations.map((a) => a.message).join('\n')).toContain(`Input '${input}'`);
    expect(scenario.sim.requests.length).toBe(before);
  });
});
