// The platforms' own word on a crash, read while polling (issue 14 item 1).
import { describe, expect, it } from 'vitest';
import { machineCrash } from '../../src/platforms/fly/crash.js';
import { parseMachine } from '../../src/platforms/fly/machine.js';
import { crashedDynos } from '../../src/platforms/heroku/crash.js';

const release = { id: 'rel-new', label: 'v5' };

describe('crashedDynos', () => {
  const dyno = (name: string, state: string, releaseId = 'rel-new', type = 'web'): unknown => ({
    name,
    state,
    type,
    release: { id: releaseId, version: 5 },
  });
  it.each<[string, unknown, string[]]>([
    [
      'a crashed web dyno of the release',
      [dyno('web.1', 'crashed'), dyno('web.2', 'up')],
      ['web.1 crashed'],
    ],
    ['starting is not crashed (a slow start)', [dyno('web.1', 'starting')], []],
    ['a crashed dyno of another release', [dyno('web.1', 'crashed', 'rel-old')], []],
    ['a crashed worker', [dyno('worker.1', 'crashed', 'rel-new', 'worker')], []],
    ['not a list', { id: 'x' }, []],
  ])('%s', (_title, body, expected) => {
    expect(crashedDynos(body, release)).toEqual(expected);
  });
});

describe('machineCrash', () => {
  const exit = (code: number, requested = false): unknown => ({
    type: 'exit',
    status: 'stopped',
    request: { exit_event: { exit_code: code, requested_stop: requested } },
  });
  const machine = (state: string, events: unknown[]): ReturnType<typeof parseMachine> =>
    parseMachine({ id: 'm1', region: 'ams', state, config: { image: 'img' }, events });
  const update = { type: 'update', status: 'replacing' };
  it.each<[string, string, unknown[], string | undefined]>([
    ['exited 1 after its update', 'stopped', [exit(1), update], 'machine m1 (ams) crashed: exit 1'],
    [
      'restarted after the crash',
      'started',
      [{ type: 'start' }, exit(1), update],
      'machine m1 (ams) crashed: exit 1',
    ],
    ['failed', 'failed', [update], 'machine m1 (ams) failed'],
    ['stopped on request', 'stopped', [exit(0, true), update], undefined],
    ['exit 0', 'stopped', [exit(0), update], undefined],
    ['a crash before its update (the old config)', 'started', [update, exit(1)], undefined],
    ['starting, no exit', 'starting', [update], undefined],
  ])('%s', (_title, state, events, expected) => {
    expect(machineCrash(machine(state, events))).toBe(expected);
  });
});
