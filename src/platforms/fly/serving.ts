// Which Fly machines must be serving after a deploy, and whether one is fine: the verdict on
// one machine, given what it was before the deploy. Pure, over parsed machines.
//
// Real Fly leaves machines that are not meant to run alone: flyctl updates stopped, suspended
// and standby machines without starting them (flyctl machines_launchinput.go
// `shouldSkipLaunch`), the proxy stops idle machines of services with `auto_stop_machines` and
// starts them on request, and standbys sit in `created`. flyctl waits for no check when a
// machine declares none (internal/machine/leasable_machine.go `WaitForHealthchecksToPass`).

import { declaredChecks } from './machine.js';
import type { FlyMachine } from './machine.js';

/** The verdict on one machine; `problem` says why it is not fine (or not yet). */
export interface MachineVerdict {
  readonly ok: boolean;
  readonly problem: string | undefined;
}

/** States a machine stays in until something acts on it (Fly's machine states doc). */
export const restingStates: ReadonlySet<string> = new Set([
  'started',
  'stopped',
  'suspended',
  'failed',
  'created',
]);

const runningStates = new Set(['started', 'starting', 'replacing']);
const notRunningStates = new Set(['stopped', 'suspended', 'created']);

const fine: MachineVerdict = { ok: true, problem: undefined };
const notFine = (problem: string): MachineVerdict => ({ ok: false, problem });

/**
 * A machine after a deploy of a release it should run (`onRelease` says if it does):
 * - started: fine when every declared check passes, or when it declares none;
 * - stopped, suspended or created: fine when it stopped cleanly and was not meant to serve
 *   (not running before the deploy, a standby), or its service stops idle machines anyway;
 * - failed, or its last run ended with a non-zero exit it was not asked for: not fine;
 * - anything else is on its way somewhere: not yet.
 * `before` is the machine as the snapshot saw it, undefined for a machine the deploy made.
 */
export function judgeMachine(
  machine: FlyMachine,
  onRelease: boolean,
  before: FlyMachine | undefined,
): MachineVerdict {
  if (!onRelease) return notFine('not on the release');
  if (machine.state === 'started') return judgeChecks(machine);
  if (machine.state === 'failed') return notFine('failed');
  if (!notRunningStates.has(machine.state)) return notFine(`still ${machine.state}`);
  const exit = machine.lastExit;
  if (exit !== undefined && !exit.requestedStop && exit.exitCode !== 0) {
    return notFine(`exited with code ${exit.exitCode ?? 'unknown'}`);
  }
  if (meantToServe(machine, before) && !stopsWhenIdle(machine)) {
    return notFine(`${machine.state}, but it was serving before the deploy`);
  }
  return fine;
}

/** Running before the deploy, or made by it and not a standby. */
function meantToServe(machine: FlyMachine, before: FlyMachine | undefined): boolean {
  if (before !== undefined) return runningStates.has(before.state);
  return !isStandby(machine);
}

export function isStandby(machine: FlyMachine): boolean {
  const standbys = machine.config.standbys;
  return Array.isArray(standbys) && standbys.length > 0;
}

/** A service with `autostop` on: Fly's proxy stops it when idle and starts it on request. */
export function stopsWhenIdle(machine: FlyMachine): boolean {
  const services = Array.isArray(machine.config.services) ? machine.config.services : [];
  return services.some((service: unknown) => {
    const autostop = (service as { autostop?: unknown } | null)?.autostop;
    return autostop === 'stop' || autostop === 'suspend' || autostop === true;
  });
}

/** Started: every declared check passing (at least one result), or no check declared. */
function judgeChecks(machine: FlyMachine): MachineVerdict {
  if (declaredChecks(machine.config) === 0) return fine;
  const total = machine.checks.length;
  const passing = machine.checks.filter((check) => check.status === 'passing').length;
  if (total === 0) return notFine('started, no check result yet');
  return passing === total ? fine : notFine(`checks ${passing}/${total} passing`);
}
