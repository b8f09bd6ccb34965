// Runs `flyctl deploy` to its end: the token in the environment only, cancellation forwarded,
// the output logged with its last lines kept for the error, the release line picked out.
import type { StartCliOptions, StartCliResult } from '../../io/child-process.js';
import { DeployError, errorMessage } from '../../io/errors.js';
import { TailBuffer } from '../../io/tail-buffer.js';
import type { LogLine } from '../platform.js';
import { describeExit, findReleaseLine } from './deploy-command.js';
import type { ReleaseLine } from './deploy-command.js';

export interface FlyctlRun {
  readonly flyctlPath: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The token as flyctl reads it from FLY_API_TOKEN. */
  readonly tokenEnvValue: string;
  /** FLY_FLAPS_BASE_URL: where flyctl reaches the Machines API. */
  readonly flapsBaseUrl: string;
  readonly timeoutMs: number;
  readonly graceMs: number;
  /** The flow's cancellation signal; undefined: the process's own signals. */
  readonly signal: AbortSignal | undefined;
}

export interface FlyctlDeps {
  readonly runFlyctl: (
    command: string,
    args: readonly string[],
    options: StartCliOptions,
  ) => Promise<StartCliResult>;
  /** Aborts the controller on a cancelled job; returns how to stop listening. */
  readonly watchSignals: (controller: AbortController) => () => void;
}

const outputTailLines = 15;

/** Resolves with the release line flyctl printed (undefined: none) when it exits 0; else
 * throws a DeployError that says the machines may have changed. */
export async function runFlyctlDeploy(
  run: FlyctlRun,
  what: string,
  log: LogLine,
  deps: FlyctlDeps,
): Promise<ReleaseLine | undefined> {
  const tail = new TailBuffer(outputTailLines);
  let releaseLine: string | undefined;
  const onLine = (line: string): void => {
    log(line);
    if (line.trimStart().startsWith('{')) releaseLine = line;
    tail.push(line);
  };
  const controller = new AbortController();
  const unwatch =
    run.signal === undefined ? deps.watchSignals(controller) : follow(run.signal, controller);
  let result: StartCliResult;
  try {
    result = await deps.runFlyctl(run.flyctlPath, run.args, {
      cwd: run.cwd,
      // The token only ever travels in the environment, never on the command line.
      env: {
        FLY_API_TOKEN: run.tokenEnvValue,
        // flyctl prefers FLY_ACCESS_TOKEN when set: make both say the same.
        FLY_ACCESS_TOKEN: run.tokenEnvValue,
        FLY_EMIT_RELEASE_JSON: '1',
        FLY_FLAPS_BASE_URL: run.flapsBaseUrl,
      },
      timeoutMs: run.timeoutMs,
      graceMs: run.graceMs,
      signal: controller.signal,
      onLine,
    });
  } catch (error) {
    throw new DeployError(`Could not run flyctl: ${errorMessage(error)}`, false);
  } finally {
    unwatch();
  }
  if (result.exitCode !== 0 || result.stoppedBy !== undefined) {
    const lines = tail.lines();
    const last = lines.length > 0 ? `\nLast flyctl output:\n${lines.join('\n')}` : '';
    // flyctl's own words first: its last `Error:` line is what a person needs to read; the
    // gloss of a plain exit 1 only stands in for it when flyctl said nothing.
    const said = lines.findLast((line) => /^\s*Error:?\s/.test(line))?.trim();
    const why =
      said !== undefined && result.exitCode === 1 && result.stoppedBy === undefined
        ? 'failed (exit code 1)'
        : describeExit(result.exitCode, result.exitSignal, result.stoppedBy, run.timeoutMs);
    throw new DeployError(
      `flyctl deploy of ${what} ${why}${said === undefined ? '' : `: ${said}`}\n` +
        'Machines may have changed: a failed rolling deploy leaves some on the new image, ' +
        'a failed canary can leave its machine behind.' +
        last,
      true,
      { title: 'flyctl output', lines },
    );
  }
  return findReleaseLine(releaseLine === undefined ? [] : [releaseLine]);
}

/** Aborts `controller` with `signal`; returns how to stop following it. */
function follow(signal: AbortSignal, controller: AbortController): () => void {
  const onAbort = (): void => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
