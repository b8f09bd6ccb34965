// Is a release healthy? Both views: the public health URL (and version URL) polled until
// the threshold, then the platform's own view of every instance. While polling, a failed
// poll also asks the platform whether an instance crashed, so a crash condemns at once.
import * as core from '@actions/core';
import type { Settings } from '../settings/inputs.js';
import type { InstanceReport, Platform, Release } from '../platforms/platform.js';
import type { BaselineReport } from './baseline.js';
import { type HealthReport, type ProbeDeps, waitForHealthy } from './probe.js';
import { nameVerdict, type VerdictKind } from './verdict.js';

export interface Verdict {
  readonly healthy: boolean;
  /** `healthy`, `unhealthy` or `inconclusive` (the `verdict` output). */
  readonly kind: VerdictKind;
  readonly reason: string;
  readonly health: HealthReport;
  readonly instances: InstanceReport | undefined;
}

export interface VerifyContext {
  readonly settings: Settings;
  readonly platform: Platform;
  readonly probe: ProbeDeps;
  readonly healthUrl: string;
  /** Extra time while the old release may still answer (Heroku preboot). */
  readonly switchoverMs: number;
  readonly signal: AbortSignal;
  /** The release live before, polled before the push; undefined when not probed. */
  baseline?: BaselineReport | undefined;
}

// The platform's own checks (Fly machine checks) may lag the public URL by a few seconds.
const MIN_INSPECT_MS = 5_000;

/** `checkVersion`: also require `version-url` to show the new version (not for rollbacks). */
export async function verifyRelease(
  context: VerifyContext,
  release: Release,
  checkVersion: boolean,
): Promise<Verdict> {
  const { settings, platform } = context;
  const timeoutMs = settings.health.timeoutMs + context.switchoverMs;
  const crashedInstances = platform.crashedInstances?.bind(platform);
  const health = await core.group(`Health of ${release.label}: ${context.healthUrl}`, () =>
    waitForHealthy(
      {
        url: context.healthUrl,
        criteria: settings.health.criteria,
        intervalMs: settings.health.intervalMs,
        timeoutMs,
        threshold: settings.health.threshold,
        unhealthyThreshold: settings.health.unhealthyThreshold,
        crashed:
          crashedInstances === undefined
            ? undefined
            : async () => firstOrUndefined(await crashedInstances(release)),
        version: checkVersion ? settings.health.version : undefined,
        // Without a version check, polls in the switchover window may reach the old release.
        countFromMs:
          checkVersion && settings.health.version !== undefined ? 0 : context.switchoverMs,
      },
      context.probe,
      (line) => core.info(line),
      context.signal,
    ),
  );
  if (health.verdict !== 'healthy') return condemned(context, release, health);
  const instances = await platform.inspect(
    release,
    Math.max(timeoutMs - health.elapsedMs, MIN_INSPECT_MS),
  );
  for (const instance of instances.instances) {
    core.info(
      `${instance.ok ? 'ok  ' : 'FAIL'} ${instance.id} ${instance.region} ${instance.state} ` +
        `${instance.image} checks ${instance.checks}`,
    );
  }
  return instances.ok
    ? {
        healthy: true,
        kind: 'healthy',
        reason: `${health.reason}; ${instances.reason}`,
        health,
        instances,
      }
    : {
        healthy: false,
        kind: 'unhealthy',
        reason: `the health URL passed but the platform disagrees: ${instances.reason}`,
        health,
        instances,
      };
}

/** The unhealthy or inconclusive verdict, with the platform's word and the baseline's. */
async function condemned(
  context: VerifyContext,
  release: Release,
  health: HealthReport,
): Promise<Verdict> {
  // One look at the instances says why, e.g. a crashed dyno behind a 503.
  const instances = await inspectOnce(context.platform, release);
  const naming = nameVerdict({
    healthy: false,
    polls: health.polls,
    condemnedBy: health.condemnedBy,
    baseline: context.baseline?.polls,
    versionBaseline: context.baseline?.version?.polls,
  });
  const why =
    instances && !instances.ok && health.condemnedBy !== 'crashed'
      ? `; the platform says: ${instances.reason}`
      : '';
  const lead = naming.lead === '' ? '' : `${naming.lead}: `;
  return {
    healthy: false,
    kind: naming.kind,
    reason: `${lead}${health.reason}${naming.hint}${why}`,
    health,
    instances,
  };
}

function firstOrUndefined(lines: readonly string[]): string | undefined {
  return lines.length === 0 ? undefined : lines.join('; ');
}

async function inspectOnce(
  platform: Platform,
  release: Release,
): Promise<InstanceReport | undefined> {
  try {
    return await platform.inspect(release, 0);
  } catch {
    return undefined; // only an explanation: the verdict stands without it
  }
}
