// dist/index.js with an arbitrary string in an arbitrary input (issue 13): the action never
// ends with a stack trace, and an input it rejects never reaches the network.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readActionYaml } from '../../sim/runner.js';
import { RUNNER_NAME, startScenario, type Scenario } from '../../sim/scenario.js';
import { expectNoSecrets } from '../helpers/assert-run.js';
import { checkScenario } from '../helpers/scenario-hooks.js';

let scenario: Scenario;
let inputNames: string[] = [];
beforeAll(async () => {
  scenario = await startScenario({ initial: { version: 'good' } });
  inputNames = Object.keys((await readActionYaml()).inputs);
  // A failed test job: an input that is accepted ends at the gate, before any platform call.
  scenario.setJobs([
    { name: 'test', status: 'completed', conclusion: 'failure' },
    { name: 'deploy', status: 'in_progress', conclusion: null, runnerName: RUNNER_NAME },
  ]);
});
afterAll(async () => {
  try {
    checkScenario(scenario);
  } finally {
    await scenario.close();
  }
});

// A line of a V8 stack trace: "    at fn (file.js:12:34)".
const STACK_LINE = /^\s+at .*:\d+:\d+\)?$/m;

/** Runs per input: every input gets arbitrary strings, not only the ones a draw happens to pick. */
const RUNS_PER_INPUT = 3;

it('any string in every input: no stack trace, and a rejected input makes no request', async () => {
  // Environment values cannot hold NUL; everything else can reach an input.
  const value = fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom('', '\t', '::error::x', '../..', 'http://a\tb', '\u202e', '9'.repeat(400)),
    )
    .filter((text) => !text.includes('\0'));
  expect(inputNames.length).toBeGreaterThan(20);
  for (const input of inputNames) {
    await fc.assert(
      fc.asyncProperty(value, async (text) => {
        const before = scenario.sim.requests.length;
        const result = await scenario.act({ [input]: text });
        expect(result.exitCode).not.toBeNull();
        expect(`${result.stdout}\n${result.stderr}`).not.toMatch(STACK_LINE);
        expectNoSecrets(result);
        const rejected = result.annotations.some((annotation) => annotation.title === 'Bad input');
        if (rejected) expect(scenario.sim.requests.length).toBe(before);
        // Accepted or not, nothing reached the platform: the gate refuses.
        expect(scenario.sim.requests.slice(before).every((r) => r.api === 'github')).toBe(true);
        expect(['failed', 'refused']).toContain(result.outputs.result);
      }),
      { numRuns: RUNS_PER_INPUT },
    );
  }
}, 300_000);
