// A MockAgent standing in for the Heroku API, the build output streams and the blob store,
// with a fake clock so polling runs without real timers.

import { MockAgent } from 'undici';
import type { Interceptable, MockCallHistoryLog } from 'undici';
import type { HerokuDeps } from '../../src/platforms/heroku/heroku.js';
import type { PlatformSettings } from '../../src/platforms/platform.js';

export const apiUrl = 'https://api.heroku.test';
export const outputOrigin = 'https://output.heroku.test';
export const appName = 'demo';
export const apiToken = 'heroku-token-0123456789';

export interface HerokuMock {
  readonly agent: MockAgent;
  readonly api: Interceptable;
  readonly output: Interceptable;
  /** Waits the platform asked for, in order. */
  readonly sleeps: number[];
  readonly deps: Partial<HerokuDeps>;
  calls(method: string, path: string | RegExp): MockCallHistoryLog[];
  close(): Promise<void>;
}

export function settingsFor(sourceDir: string): PlatformSettings {
  return {
    app: appName,
    apiUrl,
    apiToken,
    sourceDir,
    userAgent: 'guarded-deploy/0.0.0-test',
  };
}

export function createHerokuMock(): HerokuMock {
  const agent = new MockAgent();
  agent.disableNetConnect();
  // A local blob store server may take the uploads; nothing else leaves the process.
  agent.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
  agent.enableCallHistory();
  const sleeps: number[] = [];
  let clock = Date.parse('2026-01-01T00:00:00Z');
  return {
    agent,
    api: agent.get(apiUrl),
    output: agent.get(outputOrigin),
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

export function releaseBody(
  version: number,
  fields: {
    current?: boolean;
    status?: string;
    description?: string;
    output_stream_url?: string | null;
  } = {},
): Record<string, unknown> {
  return {
    id: `rel-${version}`,
    version,
    current: false,
    status: 'succeeded',
    description: `Deploy v${version}`,
    output_stream_url: null,
    ...fields,
  };
}

export function buildBody(
  status: 'pending' | 'succeeded' | 'failed',
  releaseId: string | null = null,
): Record<string, unknown> {
  return {
    id: 'build-1',
    status,
    output_stream_url: `${outputOrigin}/streams/build-1`,
    release: releaseId === null ? null : { id: releaseId },
    source_blob: { url: 'https://blob/get', checksum: null, version: null },
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    user: { id: 'u1', email: 'dev@example.com' },
  };
}

/** Parsed JSON body of a recorded call. */
export function jsonBody(call: MockCallHistoryLog | undefined): unknown {
  const body = call?.body;
  return typeof body === 'string' ? (JSON.parse(body) as unknown) : undefined;
}
