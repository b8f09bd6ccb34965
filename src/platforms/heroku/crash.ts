// Heroku's own word on a crash: a web dyno of the release in state `crashed` (Platform API
// dyno `state`: crashed, down, idle, starting, up). The API gives no exit status; the app's
// log says it ("Process exited with status 1"), and that goes in the summary separately.
import type { Dyno } from '@heroku-cli/schema';
import type { Release } from '../platform.js';

/** `web.1 crashed` for each web dyno of `release` the dynos list shows crashed. */
export function crashedDynos(body: unknown, release: Release): string[] {
  if (!Array.isArray(body)) return [];
  return body
    .filter((item): item is Dyno => typeof item === 'object' && item !== null)
    .filter((dyno) => dyno.type === 'web' && dyno.release?.id === release.id)
    .filter((dyno) => dyno.state === 'crashed')
    .map((dyno) => `${dyno.name ?? dyno.id ?? 'a web dyno'} crashed`);
}
