// What the machines' processes printed, served as Fly's logs API does for `fly logs
// --no-tail`. Source: fly-go resource_logs.go `GetAppLogs` (v0.9.6, what flyctl's
// logs/polling.go `Poll` calls): GET {FLY_API_BASE_URL}/api/v1/apps/{app}/logs?next_token=
// [&instance=][&region=], authorised by tokens.BubblegumHeader() — the same header as the
// Machines API (`FlyV1 <macaroons>`, else `Bearer <token>`, tokens/tokens.go `normalized`);
// anything but 200 is an error (401 not authenticated, 404 not found: polling stops). The
// answer is decoded as {data: [{id, attributes: LogEntry}], meta: {next_token}}, LogEntry
// {timestamp, message, level, instance, region, meta{instance, region}} (types.go).
// Fly keeps a short history; so does this.
const KEPT_ENTRIES = 1_000;
const MACHINE_LINE = /^(\S+)\[([^\]]+)\] (\S+) \[(\w+)\] (.*)$/;
export const FLY_LOGS_PATH = /^\/api\/v1\/apps\/([^/]+)\/logs$/;

interface LogEntry {
  readonly app: string;
  readonly timestamp: string;
  readonly message: string;
  readonly level: string;
  readonly instance: string;
  readonly region: string;
}

export class FlyLogs {
  private readonly entries: LogEntry[] = [];

  /** A line as a machine logs its process: `<app>[<machine id>] <region> [info] <text>`. */
  add(line: string): void {
    const match = MACHINE_LINE.exec(line);
    if (!match) return;
    const [, app = '', instance = '', region = '', level = '', message = ''] = match;
    const timestamp = new Date().toISOString();
    this.entries.push({ app, timestamp, message, level, instance, region });
    if (this.entries.length > KEPT_ENTRIES) this.entries.shift();
  }

  /** One page, oldest first, after `nextToken` (the index of the next entry). */
  page(app: string, query: URLSearchParams): unknown {
    const from = Number(query.get('next_token') ?? '') || 0;
    const instance = query.get('instance') ?? '';
    const region = query.get('region') ?? '';
    const kept = this.entries
      .map((entry, index) => ({ entry, index }))
      .filter(({ entry, index }) => index >= from && entry.app === app)
      .filter(({ entry }) => instance === '' || entry.instance === instance)
      .filter(({ entry }) => region === '' || entry.region === region);
    return {
      data: kept.map(({ entry, index }) => ({
        id: String(index),
        type: 'logs',
        attributes: {
          timestamp: entry.timestamp,
          message: entry.message,
          level: entry.level,
          instance: entry.instance,
          region: entry.region,
          meta: { instance: entry.instance, region: entry.region },
        },
      })),
      meta: { next_token: String(this.entries.length) },
    };
  }
}
