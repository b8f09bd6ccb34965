// The app's own last lines through Fly's logs API, the one `fly logs --no-tail` reads:
// flyctl logs/polling.go `Poll` → fly-go resource_logs.go `GetAppLogs` (v0.9.6):
// GET {base}/api/v1/apps/{app}/logs?next_token= with tokens.BubblegumHeader() (the same
// `FlyV1`/`Bearer` header as the Machines API); JSON:API `data[].attributes` {timestamp,
// message, level, instance, region}. Kept to the machines of the release.
import { TailBuffer } from '../../io/tail-buffer.js';
import { createApiClient } from '../kit/api-client.js';
import type { ApiClientDeps } from '../kit/api-client.js';

export interface FlyLogsSpec {
  readonly apiUrl: string;
  readonly app: string;
  readonly authorization: string;
  readonly userAgent: string;
}

/** The logs API lives on api.fly.io when the Machines API is the public one: flyctl has two
 * bases, FLY_API_BASE_URL (default https://api.fly.io, internal/config/config.go; fly-go's
 * baseURL, which GetAppLogs uses) and FLY_FLAPS_BASE_URL (default https://api.machines.dev,
 * flyctl/flyctl.go), and asks for logs on the first. Any other `api-url` (a proxy, the
 * simulator) is taken to serve both. */
export function flyLogsBase(apiUrl: string): string {
  const url = new URL(apiUrl);
  return url.hostname === 'api.machines.dev' ? 'https://api.fly.io' : url.origin;
}

export async function flyAppLogs(
  spec: FlyLogsSpec,
  deps: ApiClientDeps,
  instances: readonly string[],
  maxLines: number,
  deadlineMs: number,
): Promise<string[]> {
  const client = createApiClient(
    {
      baseUrl: flyLogsBase(spec.apiUrl),
      service: 'Fly logs API',
      userAgent: spec.userAgent,
      apiHeaders: { authorization: spec.authorization, accept: 'application/json' },
      debugPrefix: 'fly logs',
    },
    deps,
  );
  try {
    const path = `/api/v1/apps/${encodeURIComponent(spec.app)}/logs?next_token=`;
    const answer = await client.request('GET', path, { timeoutMs: deadlineMs });
    const tail = new TailBuffer(maxLines);
    for (const entry of entriesOf(answer.body)) {
      if (instances.length > 0 && !instances.includes(entry.instance)) continue;
      tail.push(
        `${entry.timestamp} ${entry.instance} ${entry.region} [${entry.level}] ${entry.message}`,
      );
    }
    return [...tail.lines()];
  } finally {
    await client.close();
  }
}

interface Entry {
  readonly timestamp: string;
  readonly message: string;
  readonly level: string;
  readonly instance: string;
  readonly region: string;
}

function entriesOf(body: unknown): Entry[] {
  const data = typeof body === 'object' && body !== null && 'data' in body ? body.data : [];
  if (!Array.isArray(data)) return [];
  return data.map((item: unknown) => {
    const attributes =
      typeof item === 'object' && item !== null && 'attributes' in item ? item.attributes : {};
    const field = (name: string): string => {
      const value: unknown =
        typeof attributes === 'object' && attributes !== null
          ? (attributes as Record<string, unknown>)[name]
          : undefined;
      return typeof value === 'string' ? value : '';
    };
    return {
      timestamp: field('timestamp'),
      message: field('message'),
      level: field('level'),
      instance: field('instance'),
      region: field('region'),
    };
  });
}
