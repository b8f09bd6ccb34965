// The restore plan in a 0600 file under RUNNER_TEMP, only its path and checksum in the state:
// a 300-machine Fly plan must reach the post step, whose state arrives in one environment
// variable (Linux: at most 128 KiB).
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePlanFileRef, readPlanFile, writePlanFile } from '../../src/flow/plan-file.js';
import type { RestorePlan } from '../../src/platforms/platform.js';
import { parseRestorePlan } from '../../src/platforms/restore-plan.js';

const LINUX_MAX_ARG_STRLEN = 128 * 1024;

/** A plan like a 300-machine Fly app's: each config a few KiB. */
function bigPlan(count: number): RestorePlan {
  const target = { id: 'registry.fly.io/shop@sha256:aa', label: 'v9' };
  const machines = Array.from({ length: count }, (_, index) => ({
    id: `m${index}`,
    region: 'ams',
    instanceId: `inst-${index}`,
    config: {
      image: 'registry.fly.io/shop:gd-1@sha256:aa',
      env: Object.fromEntries(
        Array.from({ length: 40 }, (_, key) => [`VAR_${key}`, 'x'.repeat(40)]),
      ),
      services: [{ internal_port: 8080, autostop: 'stop', ports: [{ port: 443 }] }],
    },
    configImage: 'registry.fly.io/shop:gd-1@sha256:aa',
    digest: 'sha256:aa',
    image: 'registry.fly.io/shop@sha256:aa',
    state: 'started',
  }));
  return { kind: 'machines', target, machines };
}

describe('plan file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'plan-file-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('carries a 300-machine plan past the 128 KiB limit of one environment string', async () => {
    const plan = bigPlan(300);
    const text = JSON.stringify(plan);
    expect(text.length).toBeGreaterThan(LINUX_MAX_ARG_STRLEN);
    const ref = writePlanFile(text, dir, '1');
    const stateValue = JSON.stringify(ref);
    expect(stateValue.length).toBeLessThan(1024);
    expect((await stat(ref.file)).mode & 0o777).toBe(0o600);
    const back = readPlanFile(parsePlanFileRef(stateValue) ?? { file: '', sha256: '' });
    expect(parseRestorePlan(back ?? '')).toEqual(plan);
  });

  it('refuses a file that is not what main wrote, or is gone', async () => {
    const ref = writePlanFile(JSON.stringify(bigPlan(2)), dir, '2');
    const text = await readFile(ref.file, 'utf8');
    await writeFile(ref.file, text.replace('"m1"', '"m9"'));
    expect(readPlanFile(ref)).toBeUndefined();
    await rm(ref.file);
    expect(readPlanFile(ref)).toBeUndefined();
  });

  it('reads an inline plan (no RUNNER_TEMP) as no file reference', () => {
    expect(parsePlanFileRef(JSON.stringify(bigPlan(1)))).toBeUndefined();
    expect(parsePlanFileRef('not json')).toBeUndefined();
  });
});
