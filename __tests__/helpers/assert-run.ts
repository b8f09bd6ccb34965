// Assertions every end-to-end run must satisfy, whatever its result.
import { expect } from 'vitest';
import { GITHUB_TOKEN, HEROKU_TOKEN } from '../../sim/scenario.js';
import { commandLines, RUNNER_TOKENS, type RunResult } from '../../sim/runner.js';
import type { Simulator } from '../../sim/index.js';

/** Tokens are masked before anything else is printed, and appear nowhere a person could see:
 * stdout, stderr, the summary, the outputs, the annotations; nor in what git and flyctl get.
 * `::add-mask::` lines are read by the runner and never shown, so they are the one place a
 * token may stand. */
export function expectNoSecrets(result: RunResult, secrets = [HEROKU_TOKEN, GITHUB_TOKEN]): void {
  // Only the masks the runner acts on: one echoed inside a stop-commands block is text.
  const masks = commandLines(result.stdout).filter((line) => line.startsWith('::add-mask::'));
  const lines = result.everything.split('\n');
  const visible = lines.filter((line) => !masks.includes(line.trim())).join('\n');
  for (const secret of secrets) {
    expect(visible).not.toContain(secret);
    if (result.everything.includes(secret)) expect(masks).toContain(`::add-mask::${secret}`);
  }
  const firstLines = result.stdout.split('\n').slice(0, masks.length);
  expect(firstLines.every((line) => line.startsWith('::add-mask::'))).toBe(true);
  // The runner's own tokens are in the action's environment (sim/runner.ts), never a child's.
  const inherited = [...secrets, HEROKU_TOKEN, GITHUB_TOKEN, ...RUNNER_TOKENS];
  expectChildrenClean(result, [...new Set(inherited)]);
}

/** One child process the git or flyctl stand-in recorded. */
export interface ChildRecord {
  readonly name: string;
  readonly argv: string;
  /** `NAME=value` lines (a value with line breaks spans several). */
  readonly env: readonly string[];
}

export function childRecords(result: RunResult): ChildRecord[] {
  const records: ChildRecord[] = [];
  let current: { name: string; argv: string; env: string[] } | undefined;
  for (const line of result.children.split('\n')) {
    const start = /^=== (\S+) argv(.*)$/.exec(line);
    if (start) current = { name: start[1] ?? '', argv: start[2] ?? '', env: [] };
    else if (line === '=== end' && current !== undefined) {
      records.push(current);
      current = undefined;
    } else current?.env.push(line);
  }
  return records;
}

// What a child is given on purpose: flyctl reads the Fly token from these two, nothing else.
const GIVEN_TO_FLYCTL = /^(FLY_API_TOKEN|FLY_ACCESS_TOKEN)=/;

/** No token in the argv of git or flyctl, none in their environment except the Fly token that
 * flyctl needs, and no INPUT_* or runner token variable at all. */
export function expectChildrenClean(result: RunResult, secrets: readonly string[]): void {
  for (const record of childRecords(result)) {
    const env = record.env.filter(
      (line) => !(record.name === 'flyctl' && GIVEN_TO_FLYCTL.test(line)),
    );
    for (const secret of secrets) {
      expect(record.argv, `${record.name} argv`).not.toContain(secret);
      expect(env.join('\n'), `${record.name} environment`).not.toContain(secret);
    }
    const withheld = env.filter((line) =>
      /^(INPUT_|ACTIONS_RUNTIME_TOKEN=|ACTIONS_ID_TOKEN_REQUEST_)/i.test(line),
    );
    expect(withheld, `${record.name} environment`).toEqual([]);
  }
}

/** The run reported every output and a summary; a run that is not green failed with an
 * ::error annotation. */
export function expectReported(
  result: RunResult,
  outcome: string,
  green = outcome === 'deployed' || outcome === 'verified',
): void {
  expectNoSecrets(result);
  expect(result.outputs.result).toBe(outcome);
  for (const name of ['release', 'previous-release', 'rolled-back', 'health-url']) {
    expect(result.outputs, `output ${name}`).toHaveProperty(name);
  }
  expect(result.summary).toContain('guarded-deploy');
  if (green) {
    expect(result.exitCode).toBe(0);
    expect(result.annotations.filter((a) => a.level === 'error')).toEqual([]);
  } else {
    expect(result.exitCode).not.toBe(0);
    const errors = result.annotations.filter((a) => a.level === 'error');
    // The job's failure (the last ::error, from setFailed) is one line: the cause.
    expect(errors.at(-1)?.message).toMatch(/^[^\n]+$/);
  }
}

/** The simulator saw only requests that match the official API descriptions. */
export function expectContractKept(sim: Simulator): void {
  expect(sim.contractViolations).toEqual([]);
}

export function herokuCalls(sim: Simulator, method: string, path: RegExp): number {
  return sim.requests.filter(
    (request) => request.api === 'heroku' && request.method === method && path.test(request.path),
  ).length;
}
