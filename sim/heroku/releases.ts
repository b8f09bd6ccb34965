// Creating releases (from a build, a seed or a rollback), running the release phase, and
// making a succeeded release current so the router switches to it.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { processEnv, spawnGroup, stopGroup } from '../router/process-group.js';
import type { ProcessRegistry } from '../router/process-group.js';
import type { AppRecord, ReleaseRecord, SlugRecord } from './model.js';
import { OutputLog } from './output-log.js';

/** Heroku allows an hour; the simulator keeps tests quick. */
const RELEASE_PHASE_TIMEOUT_MS = 60_000;

export interface ReleaseDeps {
  readonly registry: ProcessRegistry;
  readonly log: (line: string) => void;
}

export function createRelease(
  app: AppRecord,
  slug: SlugRecord | undefined,
  description: string,
  deps: ReleaseDeps,
): ReleaseRecord {
  const now = new Date().toISOString();
  const releaseCommand = slug?.processTypes.release;
  const release: ReleaseRecord = {
    id: randomUUID(),
    version: (app.releases.at(-1)?.version ?? 0) + 1,
    description,
    createdAt: now,
    updatedAt: now,
    status: releaseCommand === undefined ? 'succeeded' : 'pending',
    slug,
    output: releaseCommand === undefined ? undefined : new OutputLog(),
    outputStarted: false,
    settled: Promise.resolve(),
  };
  app.releases.push(release);
  app.updatedAt = now;
  release.settled = settle(app, release, releaseCommand, deps);
  return release;
}

async function settle(
  app: AppRecord,
  release: ReleaseRecord,
  releaseCommand: string | undefined,
  deps: ReleaseDeps,
): Promise<void> {
  if (releaseCommand !== undefined && release.slug && release.output) {
    if (app.releaseStartDelayMs > 0)
      await sleep(app.releaseStartDelayMs, undefined, { ref: false });
    const ok = await runReleasePhase(release, release.slug, releaseCommand, release.output, deps);
    release.status = ok ? 'succeeded' : 'failed';
    release.updatedAt = new Date().toISOString();
    release.output.end();
  }
  if (release.status !== 'succeeded') return;
  // A slower, older release that finishes late must not replace a newer current one.
  if (app.currentRelease && app.currentRelease.version > release.version) return;
  app.currentRelease = release;
  app.releasedAt = release.updatedAt;
  deps.log(`heroku[api]: Release v${release.version} created (${release.description})`);
  await app.router.deploy({
    release: { id: release.id, version: release.version },
    slugDir: release.slug?.dir ?? '',
    webCommand: release.slug?.processTypes.web,
  });
  release.liveAt = performance.timeOrigin + performance.now();
}

async function runReleasePhase(
  release: ReleaseRecord,
  slug: SlugRecord,
  command: string,
  output: OutputLog,
  deps: ReleaseDeps,
): Promise<boolean> {
  release.outputStarted = true;
  deps.log(`heroku[release.1]: Starting process with command \`${command}\``);
  const child = spawnGroup(command, {
    cwd: slug.dir,
    env: processEnv({ DYNO: `release.${release.version}` }),
    onLine: (line) => {
      output.append(line);
      deps.log(`app[release.1]: ${line}`);
    },
    registry: deps.registry,
  });
  // 'close' comes after the output streams ended, so every line is in by then.
  const closed = new Promise<'closed'>((resolve) => child.once('close', () => resolve('closed')));
  const timedOut = sleep(RELEASE_PHASE_TIMEOUT_MS, 'timeout' as const, { ref: false });
  if ((await Promise.race([closed, timedOut])) === 'timeout') {
    output.append(`Release command timed out after ${RELEASE_PHASE_TIMEOUT_MS} ms`);
    await stopGroup(child);
    return false;
  }
  deps.log(`heroku[release.1]: Process exited with status ${child.exitCode ?? child.signalCode}`);
  return child.exitCode === 0;
}

/** Why a rollback to `target` is refused, if it is. The API refuses a target that is not
 * `eligible_for_rollback` (schema: release.eligible_for_rollback); the CLI stopped offering
 * failed and pending ones (heroku/heroku-apps PR #142). The exact wording of Heroku's 422 is
 * not documented; the id follows the Platform API's error ids (`invalid_params`). */
export function rollbackRefusal(target: ReleaseRecord): string | undefined {
  if (target.status !== 'succeeded') {
    return `Cannot roll back to v${target.version}: its status is ${target.status}.`;
  }
  if (target.slug === undefined) {
    return `Cannot roll back to v${target.version}: it has no slug to release.`;
  }
  return undefined;
}

/** `eligible_for_rollback` as the API reports it; true for the live release too (the CLI
 * picks `releases.filter(r => r.eligible_for_rollback)[1]`, src/lib/releases/releases.ts). */
export function eligibleForRollback(release: ReleaseRecord): boolean {
  return rollbackRefusal(release) === undefined;
}
