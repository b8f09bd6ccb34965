import { mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputs } from '../../src/io/errors.js';
import {
  getSettings,
  parseExpectedStatus,
  parseJobList,
  parseNeeds,
  parseSeconds,
} from '../../src/settings/inputs.js';
import { Input, type InputName } from '../../src/settings/names.js';
import { readActionYaml } from '../../sim/runner.js';

const workspace = mkdtempSync(path.join(os.tmpdir(), 'gd-inputs-'));
// A symlink inside the workspace that leads out of it.
symlinkSync(os.tmpdir(), path.join(workspace, 'link-out'));
const SHA = 'a'.repeat(40);

async function stubRun(inputs: Partial<Record<InputName, string>>): Promise<void> {
  const action = await readActionYaml();
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = inputs[name as InputName] ?? (spec.default ?? '').replace(/\$\{\{.*\}\}/, 'ght');
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
  }
  vi.stubEnv('GITHUB_REPOSITORY', 'acme/shop');
  vi.stubEnv('GITHUB_RUN_ID', '77');
  vi.stubEnv('GITHUB_RUN_ATTEMPT', '2');
  vi.stubEnv('GITHUB_SHA', SHA);
  vi.stubEnv('GITHUB_WORKSPACE', workspace);
  vi.stubEnv('GITHUB_API_URL', 'http://127.0.0.1:1/');
}

const valid = { platform: 'heroku', app: 'shop-prod', 'api-token': 'hk-123' } as const;

function problemsOf(): string[] {
  try {
    getSettings();
  } catch (error) {
    if (error instanceof InvalidInputs) return error.problems.map((problem) => problem.input);
    throw error;
  }
  return [];
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('getSettings', () => {
  it('builds typed settings with the action.yml defaults', async () => {
    await stubRun(valid);
    const settings = getSettings();
    expect(settings).toMatchObject({
      platform: 'heroku',
      app: 'shop-prod',
      apiUrl: 'https://api.heroku.com',
      requireJobs: [],
      needs: undefined,
      healthUrl: undefined,
      rollback: true,
      sourceDir: workspace,
      health: {
        criteria: { expectedStatus: [{ min: 200, max: 299 }], checkString: '' },
        intervalMs: 5000,
        timeoutMs: 120_000,
        threshold: 3,
      },
      run: { owner: 'acme', repo: 'shop', runId: 77, attempt: 2, sha: SHA },
    });
    expect(settings.run.apiUrl).toBe('http://127.0.0.1:1');
  });

  it('accepts decimals, lists and overrides', async () => {
    await stubRun({
      ...valid,
      'api-url': 'http://127.0.0.1:4000/',
      'require-jobs': 'lint, test (*)\nbuild',
      'health-interval': '0.25',
      'health-timeout': '2.5',
      'expected-status': '200,204 300-302',
      needs: '{"test":{"result":"success","outputs":{}}}',
      rollback: 'False',
    });
    const settings = getSettings();
    expect(settings.apiUrl).toBe('http://127.0.0.1:4000');
    expect(settings.requireJobs).toEqual(['lint', 'test (*)', 'build']);
    expect(settings.health.intervalMs).toBe(250);
    expect(settings.health.timeoutMs).toBe(2500);
    expect(settings.health.criteria.expectedStatus).toEqual([
      { min: 200, max: 200 },
      { min: 204, max: 204 },
      { min: 300, max: 302 },
    ]);
    expect(settings.needs).toEqual({ test: { result: 'success' } });
    expect(settings.rollback).toBe(false);
  });

  const bad: Array<[string, Partial<Record<InputName, string>>, InputName | 'environment']> = [
    ['unknown platform', { platform: 'aws' }, Input.Platform],
    ['empty platform', { platform: '' }, Input.Platform],
    ['empty app', { app: '' }, Input.App],
    ['app with shell metacharacters', { app: 'shop;rm -rf /' }, Input.App],
    ['app with path traversal', { app: '../other' }, Input.App],
    ['app with capitals', { app: 'Shop' }, Input.App],
    ['empty api-token', { 'api-token': '' }, Input.ApiToken],
    ['api-token with a newline', { 'api-token': 'a\nb' }, Input.ApiToken],
    ['api-url with credentials', { 'api-url': 'https://u:p@api.heroku.com' }, Input.ApiUrl],
    ['api-url not http', { 'api-url': 'ftp://api.heroku.com' }, Input.ApiUrl],
    ['health-url not a URL', { 'health-url': 'shop.example.com/health' }, Input.HealthUrl],
    ['health-url file:', { 'health-url': 'file:///etc/passwd' }, Input.HealthUrl],
    ['negative interval', { 'health-interval': '-1' }, Input.HealthInterval],
    ['zero interval', { 'health-interval': '0' }, Input.HealthInterval],
    ['non-numeric timeout', { 'health-timeout': 'soon' }, Input.HealthTimeout],
    ['zero threshold', { 'healthy-threshold': '0' }, Input.HealthyThreshold],
    ['fractional threshold', { 'healthy-threshold': '1.5' }, Input.HealthyThreshold],
    [
      'threshold beyond timeout',
      { 'healthy-threshold': '10', 'health-interval': '5', 'health-timeout': '30' },
      Input.HealthyThreshold,
    ],
    ['malformed expected-status', { 'expected-status': '2xx' }, Input.ExpectedStatus],
    ['reversed status range', { 'expected-status': '299-200' }, Input.ExpectedStatus],
    ['status out of range', { 'expected-status': '600' }, Input.ExpectedStatus],
    ['rollback not boolean', { rollback: 'yes' }, Input.Rollback],
    ['needs not JSON', { needs: '{test: success}' }, Input.Needs],
    ['needs entry without result', { needs: '{"test":{}}' }, Input.Needs],
    ['source-dir missing', { 'source-dir': 'no/such/dir' }, Input.SourceDir],
    // Issue 13, item 8: values that round to 0 ms, and minimums with a reason.
    ['interval rounding to 0 ms', { 'health-interval': '0.0001' }, Input.HealthInterval],
    ['interval below 0.1 s', { 'health-interval': '0.05' }, Input.HealthInterval],
    ['timeout rounding to 0 ms', { 'health-timeout': '0.0004' }, Input.HealthTimeout],
    [
      'timeout below 1 s',
      { 'health-timeout': '0.5', 'healthy-threshold': '1' },
      Input.HealthTimeout,
    ],
    // Item 9: api-url carries the token.
    ['api-url http to a remote host', { 'api-url': 'http://api.heroku.com' }, Input.ApiUrl],
    ['api-url with a query', { 'api-url': 'https://api.heroku.com/?x=1' }, Input.ApiUrl],
    ['api-url with an empty query', { 'api-url': 'https://api.heroku.com/?' }, Input.ApiUrl],
    ['api-url with a fragment', { 'api-url': 'https://api.heroku.com/#x' }, Input.ApiUrl],
    ['api-url with user only', { 'api-url': 'https://u@api.heroku.com' }, Input.ApiUrl],
    // Item 10: characters the URL parser would silently drop, and length.
    ['health-url with a tab', { 'health-url': 'http://exa\tmple.com/health' }, Input.HealthUrl],
    ['health-url with a newline', { 'health-url': 'http://example.com/he\nalth' }, Input.HealthUrl],
    ['health-url with a space', { 'health-url': 'http://example.com/a b' }, Input.HealthUrl],
    ['version-url with U+0001', { 'version-url': 'http://example.com/\u0001v' }, Input.VersionUrl],
    ['api-url with a tab', { 'api-url': 'https://api.her\toku.com' }, Input.ApiUrl],
    [
      'health-url over 2048 characters',
      { 'health-url': `https://example.com/${'a'.repeat(2040)}` },
      Input.HealthUrl,
    ],
    // Item 11: environment names.
    ['environment with U+007F', { environment: 'prod\u007f' }, Input.Environment],
    ['environment with U+0085', { environment: 'prod\u0085' }, Input.Environment],
    ['environment with U+202E', { environment: 'prod\u202eedoc' }, Input.Environment],
    ['environment with U+2028', { environment: 'prod\u2028x' }, Input.Environment],
    ['environment with U+2029', { environment: 'prod\u2029x' }, Input.Environment],
    ['environment with U+200B', { environment: 'prod\u200bx' }, Input.Environment],
    ['environment over 255 characters', { environment: 'e'.repeat(256) }, Input.Environment],
    // Item 12: paths outside the workspace.
    ['source-dir ../..', { 'source-dir': '../..' }, Input.SourceDir],
    ['source-dir /', { 'source-dir': '/' }, Input.SourceDir],
    ['source-dir absolute outside', { 'source-dir': os.tmpdir() }, Input.SourceDir],
    ['source-dir through a symlink out', { 'source-dir': 'link-out' }, Input.SourceDir],
    ['source-dir with a control character', { 'source-dir': 'a\u000e\nb' }, Input.SourceDir],
    // Item 4: require-jobs patterns are bounded.
    [
      'require-jobs pattern over 200 characters',
      { 'require-jobs': '*a'.repeat(101) },
      Input.RequireJobs,
    ],
    ['github-token with a newline', { 'github-token': 'ghs_a\nb' }, Input.GithubToken],
    ['force not a boolean', { force: 'yes please' }, Input.Force],
    // mode: plan passes the gate and measures the source, like a deploy.
    ['plan without a github-token', { mode: 'plan', 'github-token': '' }, Input.GithubToken],
    ['plan of a missing source-dir', { mode: 'plan', 'source-dir': 'nope' }, Input.SourceDir],
    // The deploy lock and artifact promotion.
    ['lock-wait negative', { 'lock-wait': '-5' }, Input.LockWait],
    ['lock-wait with a unit', { 'lock-wait': '5m' }, Input.LockWait],
    ['lock-wait over six hours', { 'lock-wait': '21601' }, Input.LockWait],
    ['artifact that is no slug id', { artifact: 'v42' }, Input.Artifact],
    [
      'artifact outside mode: deploy',
      { mode: 'verify', artifact: '01234567-89ab-cdef-0123-456789abcdef' },
      Input.Artifact,
    ],
  ];
  it.each(bad)('rejects %s, naming the input', async (_label, inputs, input) => {
    await stubRun({ ...valid, ...inputs });
    expect(problemsOf()).toContain(input);
  });

  it('reads mode: plan and force: true', async () => {
    await stubRun({ ...valid, mode: 'plan', force: 'true' });
    expect(getSettings()).toMatchObject({ mode: 'plan', force: true });
    await stubRun(valid);
    expect(getSettings().force).toBe(false);
  });

  it('reads lock-wait in seconds and a slug id as the artifact', async () => {
    const slug = '01234567-89ab-cdef-0123-456789abcdef';
    await stubRun({ ...valid, 'lock-wait': '90', artifact: slug });
    expect(getSettings()).toMatchObject({ lockWaitMs: 90_000, artifact: slug });
    await stubRun(valid);
    expect(getSettings()).toMatchObject({ lockWaitMs: 0 });
    expect(getSettings().artifact).toBeUndefined();
  });

  it('reports every bad input at once, with the value and what is allowed', async () => {
    await stubRun({ ...valid, platform: 'aws', 'health-interval': 'x' });
    expect(() => getSettings()).toThrowError(
      /Input 'platform': "aws" is not a platform; allowed: heroku[\s\S]*'health-interval'/,
    );
  });

  it('never puts a token value into an error', async () => {
    await stubRun({ ...valid, 'api-token': 'secret value' });
    expect(() => getSettings()).toThrowError(/api-token/);
    expect(() => getSettings()).not.toThrowError(/secret value/);
  });

  it('requires the runner environment', async () => {
    await stubRun(valid);
    vi.stubEnv('GITHUB_SHA', '');
    expect(problemsOf()).toEqual(['environment']);
  });
});

describe('parsers', () => {
  it.each([
    ['200-299', [{ min: 200, max: 299 }]],
    ['204', [{ min: 204, max: 204 }]],
    [
      ' 200 , 301-302 ',
      [
        { min: 200, max: 200 },
        { min: 301, max: 302 },
      ],
    ],
  ])('expected-status %j', (value, ranges) => {
    expect(parseExpectedStatus(value)).toEqual(ranges);
  });
  it.each(['', '20', '200-', 'abc', '100-700'])('expected-status %j is refused', (value) => {
    expect(typeof parseExpectedStatus(value)).toBe('string');
  });
  it.each([
    ['5', 5],
    ['0.5', 0.5],
    ['120', 120],
  ])('seconds %j', (value, seconds) => {
    expect(parseSeconds(value, 3600)).toBe(seconds);
  });
  it.each(['', '-1', '1e3', '0', '0.0', '5s', '4000'])('seconds %j is refused', (value) => {
    expect(typeof parseSeconds(value, 3600)).toBe('string');
  });
  it('splits job lists on commas and newlines', () => {
    expect(parseJobList('a,\n b (*) ,,\n')).toEqual(['a', 'b (*)']);
  });
  it('reads needs', () => {
    expect(parseNeeds('{"a":{"result":"failure"}}')).toEqual({ a: { result: 'failure' } });
    expect(typeof parseNeeds('[]')).toBe('string');
  });
});

// Issue 13: whatever string any input holds, reading the settings either succeeds or throws
// the one InvalidInputs naming inputs, never anything else (a stack trace in the job log).
describe('any string in any input', () => {
  const tricky = fc.constantFrom(
    '',
    ' ',
    '\t',
    '\n',
    '0',
    '-1',
    '1e309',
    'NaN',
    '::error::x',
    '${{ x }}',
    '../../..',
    '/',
    'http://[::1',
    'https://x/?#',
    '\u202e',
    '\u2028',
    '\ud800',
    'a'.repeat(5000),
  );
  const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), tricky);

  it.each(Object.values(Input))('%s', async (input) => {
    await stubRun(valid);
    const quiet = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    try {
      fc.assert(
        fc.property(
          anyString.filter((value) => !value.includes('\0')),
          (value) => {
            vi.stubEnv(`INPUT_${input.toUpperCase()}`, value);
            try {
              getSettings();
            } catch (error) {
              expect(error).toBeInstanceOf(InvalidInputs);
              for (const problem of (error as InvalidInputs).problems) {
                expect(problem.message).toMatch(/^Input '[a-z-]+': /);
                expect(problem.message).not.toContain('\n');
              }
            }
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      quiet.mockRestore();
    }
  });
});
