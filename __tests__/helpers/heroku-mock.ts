// The shared mock API (mock-api.ts) standing in for the Heroku API, the build output streams
// and the blob store, plus Heroku-shaped release and build bodies.

import type { Interceptable } from 'undici';
import type { HerokuDeps } from '../../src/platforms/heroku/heroku.js';
import type { PlatformSettings } from '../../src/platforms/platform.js';
import { createMockApi } from './mock-api.js';
import type { MockApi } from './mock-api.js';

export { jsonBody } from './mock-api.js';

export const apiUrl = 'https://api.heroku.test';
export const outputOrigin = 'https://output.heroku.test';
export const appName = 'demo';
export const apiToken = 'heroku-token-0123456789';

export interface HerokuMock extends Omit<MockApi, 'deps'> {
  readonly api: Interceptable;
  readonly output: Interceptable;
  readonly deps: Partial<HerokuDeps>;
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
  // A local blob store server may take the uploads; nothing else leaves the process.
  const mock = createMockApi(/^127\.0\.0\.1(:\d+)?$/);
  return { ...mock, api: mock.agent.get(apiUrl), output: mock.agent.get(outputOrigin) };
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
