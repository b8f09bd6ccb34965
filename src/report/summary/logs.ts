// Long output folded away: each tail in a <details> block with a fence it cannot close.
import type { RunRecord } from '../../flow/run-record.js';
import { details, fenced } from './markdown.js';

export function logBlocks(record: RunRecord): string[] {
  const appLogs = record.appLogs ?? [];
  // The condemned release's own words, fetched from the platform's log endpoint. Fly's are
  // its machines' alone; a Heroku log session holds every dyno's, the old release's too.
  const whose = appLogsWhose(record.platform);
  const app =
    appLogs.length === 0 ? [] : [details(`Last ${appLogs.length} ${whose}`, fenced(appLogs))];
  return [...app, ...outputTails(record)];
}

/** Whose lines the app's log holds, as the fold and the log group name them. */
export function appLogsWhose(platform: string): string {
  return platform === 'heroku'
    ? "lines of the app's log (every dyno)"
    : 'log lines of the new release';
}

function outputTails(record: RunRecord): string[] {
  return record.logs
    .filter((tail) => tail.lines.length > 0)
    .map((tail) =>
      details(
        `${tail.title} (last ${tail.lines.length} line${tail.lines.length === 1 ? '' : 's'})`,
        fenced(tail.lines),
      ),
    );
}
