import { describe, expect, it } from 'vitest';
import {
  declaredChecks,
  parseMachine,
  releaseOf,
  runsRelease,
} from '../../src/platforms/fly/machine.js';

function machine(id: string, digest: string): ReturnType<typeof parseMachine> {
  return parseMachine({
    id,
    config: { image: `registry.fly.io/shop:${digest}`, metadata: { fly_release_version: '3' } },
    image_ref: { registry: 'registry.fly.io', repository: 'shop', digest: `sha256:${digest}` },
  });
}

describe('releases of machines', () => {
  it('names one image as itself and several as a mix', () => {
    expect(releaseOf([machine('a', 'aa'), machine('b', 'aa')]).id).toBe(
      'registry.fly.io/shop@sha256:aa',
    );
    expect(releaseOf([machine('a', 'aa'), machine('b', 'bb')]).id).toMatch(/^mixed:/);
  });

  it('counts every machine of a mixed start as running the mix, and no other image', () => {
    const mixed = releaseOf([machine('a', 'aa'), machine('b', 'bb')]);
    expect(runsRelease(machine('a', 'aa'), mixed, undefined)).toBe(true);
    expect(runsRelease(machine('b', 'bb'), mixed, undefined)).toBe(true);
    expect(runsRelease(machine('c', 'cc'), mixed, undefined)).toBe(false);
  });
});

describe('declaredChecks', () => {
  it.each([
    [{}, 0],
    [{ checks: { alive: { type: 'http' } } }, 1],
    [{ services: [{ checks: [{}, {}] }, { ports: [] }] }, 2],
    [{ checks: { a: {} }, services: [{ checks: [{}] }] }, 2],
  ])('%j declares %i', (config, count) => {
    expect(declaredChecks(config)).toBe(count);
  });
});
