// Assertions every end-to-end run must satisfy, whatever its result.
import { expect } from 'vitest';
import { GITHUB_TOKEN, HEROKU_TOKEN } from '../../sim/scenario.js';
import type { RunResult } from '../../sim/runner.js';
import type { Simulator } from '../../sim/index.js';

/** Tokens are masked before anything else is printed, and appear nowhere a person could see:
 * stdout, stderr, the summary, the outputs, the annotations. `::add-mask::` lines are read by
 * the runner and never shown, so they are the one place a token may stand. */
export function expectNoSecrets(result: RunResult, secrets = [HEROKU_TOKEN, GITHUB_TOKEN]): void {
  const lines = result.everything.split('\n');
  const masks = lines.filter((line) => line.startsWith('::add-mask::'));
  const visible = lines.filter((line) => !line.startsWith('::add-mask::')).join('\n');
  for (const secret of secrets) {
    expect(visible).not.toContain(secret);
    if (result.everything.includes(secret)) expect(masks).toContain(`::add-mask::${secret}`);
  }
  const firstLines = result.stdout.split('\n').slice(0, masks.length);
  expect(firstLines.every((line) => line.startsWith('::add-mask::'))).toBe(true);
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
