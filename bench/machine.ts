// The header of a bench run: what it ran on and when.
import os from 'node:os';

export interface MachineInfo {
  readonly date: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly os: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
  };
}

export function describeMachine(info: MachineInfo): string[] {
  return [
    `date: ${info.date}`,
    `cpus: ${info.cpus} x ${info.cpuModel}`,
    `node: ${info.node}`,
    `os:   ${info.os}`,
  ];
}
