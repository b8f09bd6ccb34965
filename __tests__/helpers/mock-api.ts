// The one undici MockAgent set-up both platform mocks use: no network (except what a test
// lets through), every call recorded, and a fake clock so polls and waits run without timers.

import { MockAgent } from 'undici';
import type { MockCallHistoryLog } from 'undici';

/** What both adapters take from a test: the mock dispatcher and the fake clock. */
export interface MockApiDeps {
  readonly dispatcher: MockAgent;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly debug: (line: string) => void;
  readonly pollIntervalsMs: readonly number[];
}

export interface MockApi {
  readonly agent: MockAgent;
  /** Waits the platform asked for, in order. */
  readonly sleeps: number[];
  readonly deps: MockApiDeps;
  calls(method: string, path: string | RegExp): MockCallHistoryLog[];
  close(): Promise<void>;
}

/** `allowHosts`: hosts a test serves for real (e.g. a local blob store on 127.0.0.1). */
export function createMockApi(allowHosts?: RegExp): MockApi {
  const agent = new MockAgent();
  agent.disableNetConnect();
  if (allowHosts !== undefined) agent.enableNetConnect(allowHosts);
  agent.enableCallHistory();
  const sleeps: number[] = [];
  let clock = Date.parse('2026-01-01T00:00:00Z');
  return {
    agent,
    sleeps,
    deps: {
      dispatcher: agent,
      now: () => clock,
      sleep: (ms) => {
        sleeps.push(ms);
        clock += ms;
        return Promise.resolve();
      },
      random: () => 0.5,
      debug: () => undefined,
      pollIntervalsMs: [100, 200, 400],
    },
    calls: (method, path) =>
      agent.getCallHistory()?.filterCalls({ method, path }, { operator: 'AND' }) ?? [],
    close: () => agent.close(),
  };
}

/** Parsed JSON body of a recorded call. */
export function jsonBody(call: MockCallHistoryLog | undefined): unknown {
  const body = call?.body;
  return typeof body === 'string' ? (JSON.parse(body) as unknown) : undefined;
}

/** A header of a recorded call, whatever its case. */
export function header(call: MockCallHistoryLog | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(call?.headers ?? {})) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
