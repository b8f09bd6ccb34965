// Fly's own word on a crash: a machine of the release `failed`, or whose process exited
// non-zero without being asked to since its config was last set (Machines API `events`,
// newest first: `exit` with `request.exit_event.{exit_code,requested_stop}`; fly-go
// machine_types.go MachineEvent). A restart after the crash does not undo it.
import type { FlyMachine } from './machine.js';

export function machineCrash(machine: FlyMachine): string | undefined {
  const name = `machine ${machine.id} (${machine.region})`;
  if (machine.state === 'failed') return `${name} failed`;
  const exit = machine.lastExit;
  if (exit === undefined || exit.requestedStop || exit.exitCode === 0 || !exit.sinceUpdate) {
    return undefined;
  }
  return `${name} crashed: exit ${exit.exitCode ?? 'unknown'}`;
}
