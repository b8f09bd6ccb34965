// action.yml, names.ts and the README describe one interface: they must not drift.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Input, Output } from '../../src/settings/names.js';
import { readActionYaml, repoRoot } from '../../sim/runner.js';

describe('action.yml', () => {
  it('declares exactly the inputs and outputs the code reads and writes', async () => {
    const action = await readActionYaml();
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort());
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Output).sort());
  });

  it('runs the bundled action on node24', async () => {
    const text = await readFile(path.join(repoRoot, 'action.yml'), 'utf8');
    expect(text).toMatch(/using: node24/);
    expect(text).toMatch(/main: dist\/index\.js/);
  });

  it('is documented in the README, input by input and output by output', async () => {
    const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
    const action = await readActionYaml();
    for (const [name, spec] of Object.entries(action.inputs)) {
      const row = readme
        .split('\n')
        .find((line) => new RegExp(`^\\| +\`${name}\` +\\|`).test(line));
      expect(row, `README row for input ${name}`).toBeDefined();
      const fallback = spec.default ?? '';
      if (fallback !== '') expect(row).toContain(`\`${fallback}\``);
    }
    for (const name of Object.keys(action.outputs)) {
      expect(readme).toMatch(new RegExp(`^\\| +\`${name}\` +\\|`, 'm'));
    }
  });
});
