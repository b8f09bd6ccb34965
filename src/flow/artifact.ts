// The `artifact` output: what a verified release runs, named so another deploy ships exactly
// it (Heroku slug id, Fly image pinned by digest). Best effort: the deploy is done already.
import * as core from '@actions/core';
import { errorMessage } from '../io/errors.js';
import type { Platform, Release } from '../platforms/platform.js';
import type { RunRecord } from './run-record.js';

export async function recordArtifact(
  platform: Platform,
  release: Release,
  record: RunRecord,
): Promise<void> {
  if (platform.artifactOf === undefined) return;
  try {
    const artifact = await platform.artifactOf(release);
    if (artifact === undefined) {
      core.info(`${release.label} runs nothing another app can deploy as is: no artifact output`);
      return;
    }
    record.artifact = artifact;
    core.info(`Artifact of ${release.label}: ${artifact}`);
  } catch (error) {
    core.warning(`Could not read what ${release.label} runs: ${errorMessage(error)}`, {
      title: 'No artifact output',
    });
  }
}

/** Whether `live` already runs `artifact`: the same slug, or the same image digest. */
export function runsArtifact(live: Release, artifact: string): boolean {
  if (live.content === artifact) return true;
  const digest = (ref: string): string | undefined => /@(sha256:[0-9a-f]{64})$/.exec(ref)?.[1];
  const wanted = digest(artifact);
  return wanted !== undefined && digest(live.id) === wanted;
}
