// Which Fly machines must serve after a deploy, and when one is fine: a table over the states
// real Fly leaves machines in (auto-stopped, skip-launch updated, standby, no checks).
import { describe, expect, it } from 'vitest';
import { parseMachine } from '../../src/platforms/fly/machine.js';
import type { FlyMachine } from '../../src/platforms/fly/machine.js';
import { judgeMachine, restingStates } from '../../src/platforms/fly/serving.js';

interface Shape {
  readonly state: string;
  readonly checks?: readonly string[];
  /** Declared checks in the config (default: as many as results). */
  readonly declared?: number;
  readonly autostop?: boolean;
  readonly standby?: boolean;
  readonly exit?: { readonly exit_code?: number; readonly requested_stop?: boolean };
  readonly compat?: string;
}

function machine(shape: Shape): FlyMachine {
  const results = shape.checks ?? [];
  const declared = shape.declared ?? results.length;
  const checks = Object.fromEntries(
    Array.from({ length: declared }, (_, index) => [`c${index}`, { type: 'http', path: '/' }]),
  );
  return parseMachine({
    id: 'm1',
    state: shape.state,
    config: {
      image: 'registry.fly.io/shop:gd-1',
      metadata: { fly_platform_version: 'v2' },
      services: [{ internal_port: 8080, autostop: shape.autostop === true ? 'stop' : 'off' }],
      ...(declared > 0 ? { checks } : {}),
      ...(shape.standby === true ? { standbys: ['m0'] } : {}),
    },
    checks: [
      ...results.map((status, index) => ({ name: `c${index}`, status })),
      ...(shape.compat === undefined
        ? []
        : [{ name: 'bg_deployments_compat_http', status: shape.compat }]),
    ],
    events: shape.exit === undefined ? [] : [{ type: 'exit', request: { exit_event: shape.exit } }],
  });
}

const running = machine({ state: 'started' });
const stoppedBefore = machine({ state: 'stopped' });
const clean = { exit_code: 0, requested_stop: true };

describe('judgeMachine', () => {
  it.each<[string, Shape, FlyMachine | undefined, boolean]>([
    ['started, no checks declared (fly launch default)', { state: 'started' }, running, true],
    ['started, all checks passing', { state: 'started', checks: ['passing'] }, running, true],
    ['started, a check critical', { state: 'started', checks: ['critical'] }, running, false],
    [
      'started, checks declared but no result yet',
      { state: 'started', declared: 1 },
      running,
      false,
    ],
    [
      'started, its check passing, a synthetic compat check critical',
      { state: 'started', checks: ['passing'], compat: 'critical' },
      running,
      true,
    ],
    ['auto-stopped by the proxy', { state: 'stopped', autostop: true, exit: clean }, running, true],
    [
      'stopped before, updated with skip-launch',
      { state: 'stopped', exit: clean },
      stoppedBefore,
      true,
    ],
    [
      'standby left created',
      { state: 'created', standby: true },
      machine({ state: 'created' }),
      true,
    ],
    ['new standby the deploy made', { state: 'created', standby: true }, undefined, true],
    ['serving before, stopped, no autostop', { state: 'stopped', exit: clean }, running, false],
    ['new machine left stopped, no autostop', { state: 'stopped', exit: clean }, undefined, false],
    [
      'exited non-zero on its own',
      { state: 'stopped', autostop: true, exit: { exit_code: 1 } },
      stoppedBefore,
      false,
    ],
    ['failed', { state: 'failed' }, running, false],
    ['still replacing', { state: 'replacing' }, running, false],
  ])('%s', (_title, shape, before, ok) => {
    expect(judgeMachine(machine(shape), true, before).ok).toBe(ok);
  });

  it('never passes a machine that is not on the release', () => {
    expect(judgeMachine(running, false, running)).toEqual({
      ok: false,
      problem: 'not on the release',
    });
  });

  it('names the exit code of a machine that exited on its own', () => {
    const crashed = machine({ state: 'stopped', exit: { exit_code: 3 } });
    expect(judgeMachine(crashed, true, stoppedBefore).problem).toBe('exited with code 3');
  });
});

describe('restingStates', () => {
  it('counts created (standbys sit in it) as resting', () => {
    expect(restingStates.has('created')).toBe(true);
    expect(restingStates.has('replacing')).toBe(false);
  });
});
