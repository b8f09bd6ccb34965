// Assertions every end-to-end run must satisfy, whatever its result.
import { expect } from 'vitest';
import { GITHUB_TOKEN, HEROKU_TOKEN } from '../../sim/scenario.js';
import type { RunResult } from '../../sim/runner.js';
import type { Simulator } from '../../sim/index.js';

/** No token in stdout, stderr, the summary, the outputs or the annotations. */
export function expectNoSecrets(result: RunResult, secrets = [HEROKU_TOKEN, GITHUB_TOKEN]): void {
  for (const secret of secrets) expect(result.everything).not.toContain(secret);
}

/** The run reported every output and a summary; non-`deployed` runs failed with an ::error. */
export function expectReported(result: RunResult, outcome: string): void {
  expectNoSecrets(result);
  expect(result.outputs.result).toBe(outcome);
  for (const name of ['release', 'previous-release', 'rolled-back', 'health-url']) {
    expect(result.outputs, `output ${name}`).toHaveProperty(name);
  }
  expect(result.summary).toContain('guarded-deploy');
  if (outcome === 'deployed') {
    expect(result.exitCode).toBe(0);
    expect(result.annotations.filter((a) => a.level === 'error')).toEqual([]);
  } else {
    expect(result.exitCode).not.toBe(0);
    expect(result.annotations.some((a) => a.level === 'error')).toBe(true);
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
