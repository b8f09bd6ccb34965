// What the app's dynos printed, kept per app, and log sessions over it: Platform API
// "Log Session Create" (POST /apps/{app}/log-sessions: `lines`, `source`, `dyno_name`,
// `tail`) answers a `logplex_url` on another host that serves the lines without the API's
// Authorization (Heroku CLI src/lib/run/log-displayer.ts fetches it as given). Lines look
// like Logplex's: `<ISO time> app[web.1]: <text>` (Dev Center "Logging", log format).
import { randomUUID } from 'node:crypto';

/** Logplex keeps 1,500 lines per app (Dev Center "Logging": log history limits). */
const KEPT_LINES = 1_500;
const SOURCE_OF = /^(app|heroku)\[([^\]]+)\]: /;

interface LogLine {
  readonly text: string;
  readonly source: string;
  readonly dyno: string;
}

export interface LogSessionRequest {
  readonly lines?: number;
  readonly source?: string;
  readonly dyno_name?: string;
}

export class AppLogs {
  private readonly byApp = new Map<string, LogLine[]>();
  private readonly sessions = new Map<string, string>();

  /** One line as the router logs it: `app[web.1]: text` or `heroku[web.1]: text`. */
  add(app: string, line: string): void {
    const match = SOURCE_OF.exec(line);
    if (!match) return;
    const lines = this.byApp.get(app) ?? [];
    const stamp = new Date().toISOString().replace('Z', '000+00:00');
    lines.push({ text: `${stamp} ${line}`, source: match[1] ?? '', dyno: match[2] ?? '' });
    if (lines.length > KEPT_LINES) lines.shift();
    this.byApp.set(app, lines);
  }

  /** A session over the lines kept now; `lines` defaults to 100 like the CLI's. */
  create(app: string, request: LogSessionRequest): string {
    const wanted = (this.byApp.get(app) ?? []).filter(
      (line) =>
        (request.source === undefined || line.source === request.source) &&
        (request.dyno_name === undefined || line.dyno === request.dyno_name),
    );
    const id = randomUUID();
    const count = Math.min(request.lines ?? 100, KEPT_LINES);
    this.sessions.set(
      id,
      wanted
        .slice(-count)
        .map((line) => `${line.text}\n`)
        .join(''),
    );
    return id;
  }

  /** The session's text, or undefined for an unknown id. */
  text(id: string): string | undefined {
    return this.sessions.get(id);
  }
}
