import { describe, expect, it } from 'vitest';
import type { RestorePlan } from '../../src/platforms/platform.js';
import { parseRestorePlan } from '../../src/platforms/restore-plan.js';

const target = { id: 'registry.fly.io/demo@sha256:aa', label: 'v4' };
const machine = {
  id: 'm1',
  region: 'ams',
  instanceId: 'inst-1',
  config: { image: 'registry.fly.io/demo:gd-1', env: { A: '1' } },
  configImage: 'registry.fly.io/demo:gd-1',
  digest: 'sha256:aa',
  image: 'registry.fly.io/demo@sha256:aa',
  state: 'started',
};

describe('parseRestorePlan', () => {
  it.each<{ name: string; plan: RestorePlan }>([
    { name: 'a release', plan: { kind: 'release', target: { ...target, content: 'slug-1' } } },
    { name: 'machines', plan: { kind: 'machines', target, machines: [machine] } },
    {
      name: 'machines without a digest',
      plan: { kind: 'machines', target, machines: [{ ...machine, digest: undefined }] },
    },
    { name: 'configs', plan: { kind: 'configs', target, configs: { m1: machine.config } } },
  ])('loads $name as main saved it', ({ plan }) => {
    expect(parseRestorePlan(JSON.stringify(plan))).toEqual(plan);
  });

  it.each([
    { name: 'not JSON', text: 'not json' },
    { name: 'no target', text: JSON.stringify({ kind: 'release' }) },
    { name: 'an unknown kind', text: JSON.stringify({ kind: 'snapshot', target }) },
    { name: 'the old saved form', text: JSON.stringify({ release: target, machines: [] }) },
    {
      name: 'a machine without a config',
      text: JSON.stringify({ kind: 'machines', target, machines: [{ ...machine, config: 1 }] }),
    },
    { name: 'machines not a list', text: JSON.stringify({ kind: 'machines', target }) },
    {
      name: 'a config not an object',
      text: JSON.stringify({ kind: 'configs', target, configs: { m1: 'x' } }),
    },
  ])('refuses $name', ({ text }) => {
    expect(parseRestorePlan(text)).toBeUndefined();
  });
});
