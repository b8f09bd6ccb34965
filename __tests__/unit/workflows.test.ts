// action.yml and every workflow users run or copy, checked by GitHub's own workflow parser: a
// file it rejects would fail on GitHub before a single step ran.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  convertWorkflowTemplate,
  isMapping,
  isScalar,
  isSequence,
  isString,
  NoOperationTraceWriter,
  parseWorkflow,
  type TemplateParseResult,
} from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { ErrorPolicy } from '@actions/workflow-parser/model/convert';
import type { ActionInputDefinition } from '@actions/workflow-parser/actions/index';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../sim/runner.js';

// vitest.config.ts inlines the parser: it imports its JSON schemas without an import
// attribute, which Node's own ESM loader refuses (actions/languageservices#387).
const trace = new NoOperationTraceWriter();
/** How a workflow refers to this action: published, or this checkout (`uses: ./`). */
const OUR_ACTION = /^(guarded-deploy\/|\.\/$)/;

async function workflowFiles(dir: string): Promise<string[]> {
  const names = await readdir(path.join(repoRoot, dir));
  return names.filter((name) => /\.ya?ml$/.test(name)).map((name) => `${dir}/${name}`);
}

const workflows = [
  ...(await workflowFiles('.github/workflows')),
  ...(await workflowFiles('.github/examples')),
];
const examples = workflows.filter((file) => file.startsWith('.github/examples/'));

async function parseFile(file: string): Promise<TemplateParseResult> {
  const content = await readFile(path.join(repoRoot, file), 'utf8');
  return parseWorkflow({ name: file, content }, trace);
}

function errorsOf(result: TemplateParseResult): string[] {
  return result.context.errors.getErrors().map((error) => error.message);
}

/** Parses and converts like GitHub does when a run starts; every error either step found. */
async function workflowErrors(result: TemplateParseResult): Promise<string[]> {
  if (result.value !== undefined && errorsOf(result).length === 0) {
    await convertWorkflowTemplate(result.context, result.value);
  }
  return errorsOf(result);
}

async function parseActionFile(): Promise<TemplateParseResult> {
  const content = await readFile(path.join(repoRoot, 'action.yml'), 'utf8');
  return parseAction({ name: 'action.yml', content }, trace);
}

/** The inputs as GitHub reads them; converted despite errors, which the manifest test reports. */
async function actionInputs(): Promise<ActionInputDefinition[]> {
  const result = await parseActionFile();
  if (result.value === undefined) throw new Error('action.yml did not parse');
  const options = { errorPolicy: ErrorPolicy.TryConversion };
  return convertActionTemplate(result.context, result.value, options).inputs ?? [];
}

function child(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return token !== undefined && isMapping(token) ? token.find(key) : undefined;
}

function keysOf(token: TemplateToken | undefined): string[] {
  if (token === undefined || !isMapping(token)) return [];
  return [...token].map((pair) => pair.key.toString());
}

/** A scalar as written (an expression keeps its `${{ }}`); undefined for a mapping or list. */
function textOf(token: TemplateToken | undefined): string | undefined {
  return token !== undefined && isScalar(token) ? token.toString() : undefined;
}

function entries(token: TemplateToken | undefined): Array<[string, TemplateToken]> {
  if (token === undefined || !isMapping(token)) return [];
  return [...token].map((pair) => [pair.key.toString(), pair.value]);
}

/** A step of a workflow that runs this action. */
interface OurStep {
  readonly where: string;
  readonly with: ReadonlyMap<string, string>;
  /** The job's `permissions`, else the workflow's; undefined when neither sets any. */
  readonly permissions: TemplateToken | undefined;
}

function ourSteps(file: string, root: TemplateToken): OurStep[] {
  const found: OurStep[] = [];
  for (const [jobId, job] of entries(child(root, 'jobs'))) {
    const steps = child(job, 'steps');
    if (steps === undefined || !isSequence(steps)) continue;
    [...steps].forEach((step, index) => {
      const uses = child(step, 'uses');
      if (uses === undefined || !isString(uses) || !OUR_ACTION.test(uses.value)) return;
      const withValues = new Map(
        entries(child(step, 'with')).map(([key, value]) => [key, textOf(value) ?? '']),
      );
      found.push({
        where: `${file} job ${jobId} step ${index + 1}`,
        with: withValues,
        permissions: child(job, 'permissions') ?? child(root, 'permissions'),
      });
    });
  }
  return found;
}

/** Keys action.yml does not declare, and required inputs left out, per step of our action. */
async function inputProblems(file: string, root: TemplateToken): Promise<string[]> {
  const inputs = await actionInputs();
  const declared = inputs.map((input) => input.id);
  const required = inputs.filter((input) => input.required === true).map((input) => input.id);
  return ourSteps(file, root).flatMap((step) => {
    const given = [...step.with.keys()];
    return [
      ...given.filter((key) => !declared.includes(key)).map((key) => `${step.where}: ${key}?`),
      ...required.filter((key) => !given.includes(key)).map((key) => `${step.where}: no ${key}`),
    ];
  });
}

/** Whether a `permissions` value grants `scope` at least `level`. */
function grants(permissions: TemplateToken, scope: string, level: 'read' | 'write'): boolean {
  if (isString(permissions)) return permissions.value === 'write-all' || level === 'read';
  const value = textOf(child(permissions, scope));
  return value === 'write' || (level === 'read' && value === 'read');
}

describe('workflow parser', () => {
  it('accepts action.yml as an action manifest', async () => {
    expect(errorsOf(await parseActionFile())).toEqual([]);
    const inputs = await actionInputs();
    expect(inputs.map((input) => input.id)).toContain('environment');
    expect(inputs.find((input) => input.id === 'platform')?.required).toBe(true);
  });

  it('is strict enough to catch the mistakes it is here for', async () => {
    const manifest = parseAction(
      {
        name: 'action.yml',
        content: 'name: x\ndescription: y\ninputs:\n  a:\n    description: see ${{ secrets.X }}\n',
      },
      trace,
    );
    expect(errorsOf(manifest).join('\n')).toMatch(/Unrecognized named-value: 'secrets'/);
    const workflow = parseWorkflow(
      {
        name: 'bad.yml',
        content:
          'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    permissions:\n' +
          '      deployment: write\n    steps:\n      - run: true\n',
      },
      trace,
    );
    expect((await workflowErrors(workflow)).join('\n')).toMatch(/deployment/);
  });

  it('finds the example workflows', () => {
    expect(examples).toEqual(
      expect.arrayContaining([
        '.github/examples/deploy-heroku.yml',
        '.github/examples/deploy-fly.yml',
        '.github/examples/rollback.yml',
        '.github/examples/verify-nightly.yml',
        '.github/examples/promote-staging-to-production.yml',
      ]),
    );
  });

  it.each(workflows)('accepts %s', async (file) => {
    expect(await workflowErrors(await parseFile(file))).toEqual([]);
  });
});

describe('example workflows', () => {
  it.each(examples)('%s passes only declared inputs, and every required one', async (file) => {
    const result = await parseFile(file);
    if (result.value === undefined) throw new Error(`${file} did not parse`);
    expect(ourSteps(file, result.value).length, `${file} uses guarded-deploy`).toBeGreaterThan(0);
    expect(await inputProblems(file, result.value)).toEqual([]);
  });

  it('would catch a misspelt input and a missing required one', async () => {
    const content =
      'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-24.04\n    steps:\n' +
      '      - uses: guarded-deploy/guarded-deploy@v1\n        with:\n' +
      '          platform: heroku\n          api-token: x\n          enviroment: production\n';
    const result = parseWorkflow({ name: 'typo.yml', content }, trace);
    expect(errorsOf(result)).toEqual([]);
    if (result.value === undefined) throw new Error('typo.yml did not parse');
    expect(await inputProblems('typo.yml', result.value)).toEqual([
      'typo.yml job deploy step 1: enviroment?',
      'typo.yml job deploy step 1: no app',
    ]);
  });

  it.each(examples)('%s grants the permissions the action needs', async (file) => {
    const result = await parseFile(file);
    if (result.value === undefined) throw new Error(`${file} did not parse`);
    for (const step of ourSteps(file, result.value)) {
      // Without any `permissions` the token gets the repository default, which may be enough.
      if (step.permissions === undefined) continue;
      const mode = step.with.get('mode') ?? 'deploy';
      if (mode === 'deploy') {
        expect(grants(step.permissions, 'actions', 'read'), `${step.where}: actions`).toBe(true);
      }
      if ((step.with.get('environment') ?? '') !== '') {
        const canWrite = grants(step.permissions, 'deployments', 'write');
        expect(canWrite, `${step.where}: deployments: write`).toBe(true);
      }
    }
  });

  it('deploys to Fly gated on every matrix leg, recording a production deployment', async () => {
    const result = await parseFile('.github/examples/deploy-fly.yml');
    if (result.value === undefined) throw new Error('deploy-fly.yml did not parse');
    const [step] = ourSteps('deploy-fly.yml', result.value);
    expect(Object.fromEntries(step?.with ?? [])).toMatchObject({
      platform: 'fly',
      'require-jobs': 'test (*)',
      environment: 'production',
    });
    const permissions = step?.permissions;
    expect(keysOf(permissions).sort()).toEqual(['actions', 'contents', 'deployments']);
  });
});

describe('many apps example', () => {
  it('deploys each app of a matrix, no leg cancelling another, one queue per app', async () => {
    const root = await parsedRoot('.github/examples/deploy-many-apps.yml');
    const job = child(child(root, 'jobs'), 'deploy');
    const strategy = child(job, 'strategy');
    expect(textOf(child(strategy, 'fail-fast'))).toBe('false');
    const include = child(child(strategy, 'matrix'), 'include');
    const apps = include !== undefined && isSequence(include) ? [...include] : [];
    expect(apps.length).toBeGreaterThan(1);
    expect(apps.every((leg) => textOf(child(leg, 'app')) !== undefined)).toBe(true);
    // One group per app: the same app queues, different apps run side by side.
    // The parser reads `deploy-${{ matrix.app }}` as `${{ format('deploy-{0}', matrix.app) }}`.
    expect(textOf(child(child(job, 'concurrency'), 'group'))).toMatch(/matrix\.app/);
    expect(textOf(child(child(job, 'concurrency'), 'cancel-in-progress'))).toBe('false');
    const [step] = ourSteps('deploy-many-apps.yml', root);
    expect(step?.with.get('app')).toMatch(/matrix\.app/);
    expect(step?.with.get('environment')).toMatch(/matrix\.app/);
  });
});

async function parsedRoot(file: string): Promise<TemplateToken> {
  const result = await parseFile(file);
  if (result.value === undefined) throw new Error(`${file} did not parse`);
  return result.value;
}

/** The steps of one job, in order. */
function jobSteps(root: TemplateToken, jobId: string): TemplateToken[] {
  const steps = child(child(child(root, 'jobs'), jobId), 'steps');
  return steps !== undefined && isSequence(steps) ? [...steps] : [];
}

/** Everything a step says in `run` and `env`, expressions as written. */
function stepText(step: TemplateToken | undefined): string {
  const env = entries(child(step, 'env')).map(([key, value]) => `${key}=${textOf(value) ?? ''}`);
  return [textOf(child(step, 'run')) ?? '', ...env].join('\n');
}

describe('ci.yml test-action job', () => {
  it('starts the simulator, then runs this checkout: deployed, then rolled back', async () => {
    const root = await parsedRoot('.github/workflows/ci.yml');
    const steps = jobSteps(root, 'test-action');
    const ours = steps.flatMap((step, index) =>
      textOf(child(step, 'uses')) === './' ? [index] : [],
    );
    const start = steps.findIndex((step) =>
      /npm run -s sim -- .*--write-env[\s\S]*GITHUB_ENV/.test(stepText(step)),
    );
    expect(ours).toHaveLength(2);
    expect(start, 'a step starts the simulator before the action').toBeGreaterThanOrEqual(0);
    expect(start).toBeLessThan(ours[0] ?? -1);
    const [healthy, unhealthy] = ours.map((index) => steps[index]);
    const after = (index: number | undefined): string =>
      steps
        .slice((index ?? steps.length) + 1)
        .map(stepText)
        .join('\n');

    const healthyId = textOf(child(healthy, 'id')) ?? '?';
    expect(after(ours[0])).toContain(`steps.${healthyId}.outputs.result`);
    expect(after(ours[0])).toMatch(/"\$RESULT" = deployed/);

    // The unhealthy release fails its step; the job goes on and asserts how it failed.
    const unhealthyId = textOf(child(unhealthy, 'id')) ?? '?';
    expect(textOf(child(unhealthy, 'continue-on-error'))).toBe('true');
    expect(after(ours[1])).toContain(`steps.${unhealthyId}.outcome`);
    expect(after(ours[1])).toMatch(/"\$OUTCOME" = failure/);
    expect(after(ours[1])).toContain(`steps.${unhealthyId}.outputs.result`);
    expect(after(ours[1])).toMatch(/"\$RESULT" = rolled-back/);
    const sourceDir = textOf(child(child(unhealthy, 'with'), 'source-dir')) ?? '';
    const server = await readFile(path.join(repoRoot, sourceDir, 'server.js'), 'utf8');
    expect(server).toMatch(/writeHead\(500/);

    // The gate reads the real jobs of the run: it waits for `check` and may read them.
    const needs = child(child(child(root, 'jobs'), 'test-action'), 'needs');
    expect(needs !== undefined && isSequence(needs) ? [...needs].map(textOf) : []).toEqual([
      'check',
    ]);
    expect(await inputProblems('ci.yml', root)).toEqual([]);
    for (const step of ourSteps('ci.yml', root)) {
      expect(step.with.get('require-jobs'), step.where).toBe('check');
      expect(step.permissions && grants(step.permissions, 'actions', 'read'), step.where).toBe(
        true,
      );
    }
  });
});

describe('release.yml', () => {
  it('moves the major tag on a vX.Y.Z tag, only after dist/ matches a fresh build', async () => {
    const root = await parsedRoot('.github/workflows/release.yml');
    const tags = child(child(child(root, 'on'), 'push'), 'tags');
    expect(tags !== undefined && isSequence(tags) ? [...tags].map(textOf) : []).toEqual(['v*.*.*']);
    const permissions = child(child(child(root, 'jobs'), 'release'), 'permissions');
    expect(permissions && grants(permissions, 'contents', 'write')).toBe(true);
    const runs = jobSteps(root, 'release').map(stepText);
    const checked = runs.findIndex((run) => run.includes('.ci/check-dist'));
    const moved = runs.findIndex((run) =>
      /git push --force origin "refs\/tags\/\$major"/.test(run),
    );
    expect(checked).toBeGreaterThanOrEqual(0);
    expect(moved).toBeGreaterThan(checked);
  });
});
