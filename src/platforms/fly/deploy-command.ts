// `flyctl deploy` as the action runs it: the exact arguments, the environment that carries the
// token, the release line flyctl prints, and what each way of failing means for the app.

import { asRecord } from './machine.js';

export interface DeployCommand {
  readonly app: string;
  readonly flyConfig: string;
  /** Prebuilt image; undefined: flyctl builds `sourceDir` remotely. */
  readonly image: string | undefined;
  readonly imageLabel: string;
  readonly extraArgs: readonly string[];
}

/** The image label that names the build after its commit (Docker tag characters only). */
export function imageLabelFor(commit: string): string {
  return `gd-${commit.slice(0, 12).replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

/** Arguments of `flyctl deploy`; never `--detach`: flyctl must wait for the machines. */
export function deployArgs(command: DeployCommand): string[] {
  return [
    'deploy',
    '--app',
    command.app,
    '--config',
    command.flyConfig,
    '--remote-only',
    '--yes',
    ...(command.image === undefined
      ? ['--image-label', command.imageLabel]
      : ['--image', command.image]),
    ...command.extraArgs,
  ];
}

/** The release flyctl reports on its last JSON line (`FLY_EMIT_RELEASE_JSON=1`). */
export interface ReleaseLine {
  readonly releaseId: string;
  readonly version: number;
  readonly imageRef: string;
}

/** The last output line that is a release object, if any. */
export function findReleaseLine(lines: readonly string[]): ReleaseLine | undefined {
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const text = lines[index]?.trim() ?? '';
    if (!text.startsWith('{')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    const entry = asRecord(parsed);
    const version = entry?.version;
    const imageRef = entry?.image_ref;
    if (typeof imageRef !== 'string' || imageRef === '') continue;
    if (typeof version !== 'number' || !Number.isInteger(version)) continue;
    return { releaseId: typeof entry?.id === 'string' ? entry.id : '', version, imageRef };
  }
  return undefined;
}

/** Why flyctl stopped, in words, from its exit code as flyctl sets it (internal/cli/cli.go
 * `Run`: 1 any error, health and start timeouts included, 126 a deadline, 127 interrupted;
 * main.go: 3 a recovered panic) or from the action stopping it. */
export function describeExit(
  exitCode: number | undefined,
  exitSignal: string | undefined,
  stoppedBy: 'timeout' | 'abort' | undefined,
  timeoutMs: number,
): string {
  if (stoppedBy === 'timeout') {
    return `did not finish within ${Math.round(timeoutMs / 60_000)} min and was stopped`;
  }
  if (stoppedBy === 'abort') return 'was stopped because the job was cancelled';
  switch (exitCode) {
    case 1:
      return (
        'failed (exit code 1: an error, which includes machines not starting or not passing ' +
        'their health checks within --wait-timeout)'
      );
    case 3:
      return 'crashed (exit code 3: flyctl panicked)';
    case 126:
      return 'ran out of time (exit code 126: a deadline was exceeded)';
    case 127:
      return 'was interrupted (exit code 127)';
    case undefined:
      return `was killed by ${exitSignal ?? 'a signal'}`;
    default:
      return `failed (exit code ${exitCode})`;
  }
}
