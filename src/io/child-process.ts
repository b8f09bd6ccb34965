// How this action starts child processes: always with an argument array (never a shell
// string), a timeout after which the child is stopped (a git that hangs is not left running),
// an environment without the runner's and the action's secrets, bounded output, and errors
// that say which command failed and why. Node's `child_process.spawn` rather than
// @actions/exec, which keeps the child to itself: it can be neither stopped on a timeout nor
// signalled when the job is cancelled. The runner sends SIGINT/SIGTERM to the action's process
// only, so a long `flyctl deploy` would keep going unless the action forwards the signal,
// waits for the child to stop, and only then decides what is live.
// - `runCli` for short commands (git): collects stdout, throws on a nonzero exit.
// - `startCli` for long-running ones (flyctl deploy): streams lines, can be stopped.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { lineSplitter, TailBuffer } from './tail-buffer.js';
import { UntrustedEcho } from './untrusted-output.js';

export interface CliOptions {
  readonly cwd?: string;
  /** Added to (and overriding) the child's environment, see `childEnv`. */
  readonly env?: Readonly<Record<string, string>>;
  /** After this the child is stopped (SIGTERM, then SIGKILL) and the call rejects. */
  readonly timeoutMs: number;
  /** Each stdout and stderr line as it arrives. */
  readonly onLine?: (line: string) => void;
  /** Do not echo the command and its output to the job log. */
  readonly silent?: boolean;
  /** Resolve with a nonzero exit code instead of throwing. */
  readonly ignoreReturnCode?: boolean;
}

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  /** The last stderr lines (bounded). */
  readonly stderr: string;
}

/** A command that exited nonzero, could not start, or ran past its timeout. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly command: string,
    /** Undefined when the process did not finish (timeout, not found). */
    readonly exitCode: number | undefined,
    readonly stderr: string,
    message: string,
  ) {
    super(message);
  }
}

// Variables no child process of this action needs and some must never see: the action's own
// inputs (tokens among them), the runner's job token and OIDC request credentials, and
// platform tokens a workflow may have put in the job's environment. A child that needs a
// token gets it through `env` (flyctl: FLY_API_TOKEN).
const WITHHELD_PREFIXES = ['INPUT_', 'STATE_', 'ACTIONS_ID_TOKEN_REQUEST_', 'ACTIONS_RUNTIME_'];
const WITHHELD_NAMES = new Set([
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'FLY_API_TOKEN',
  'FLY_ACCESS_TOKEN',
  'HEROKU_API_KEY',
]);

/** The environment for a child: the action's minus the withheld variables, plus `extra`. */
export function childEnv(
  extra: Readonly<Record<string, string>> | undefined,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || WITHHELD_NAMES.has(key.toUpperCase())) continue;
    if (WITHHELD_PREFIXES.some((prefix) => key.toUpperCase().startsWith(prefix))) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

const stderrTailLines = 10;
const keptStderrLines = 200;
/** git's answers to the questions asked here are a line or two; more is cut. */
const maxStdoutChars = 1024 * 1024;
const runCliGraceMs = 2_000;

export async function runCli(
  command: string,
  args: readonly string[],
  options: CliOptions,
): Promise<CliResult> {
  const name = displayName(command);
  const label = [name, summarize(args)].filter((word) => word !== '').join(' ');
  const echo = options.silent === true ? undefined : new UntrustedEcho();
  if (echo !== undefined) echo.line(`[command]${command} ${args.join(' ')}`);
  let stdout = '';
  const stderr = new TailBuffer(keptStderrLines);
  const running = spawnBounded(command, args, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: childEnv(options.env),
    timeoutMs: options.timeoutMs,
    graceMs: runCliGraceMs,
    firstSignal: 'SIGTERM',
    onStdout: (line, raw) => {
      if (stdout.length < maxStdoutChars) stdout += raw.slice(0, maxStdoutChars - stdout.length);
      echo?.line(line);
      options.onLine?.(line);
    },
    onStderr: (line) => {
      stderr.push(line);
      echo?.line(line);
      options.onLine?.(line);
    },
  });
  let ended: SpawnResult;
  try {
    ended = await running;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(name, undefined, '', `${label} could not be run: ${reason}`);
  } finally {
    echo?.close();
  }
  const stderrText = stderr
    .lines()
    .map((line) => `${line}\n`)
    .join('');
  if (ended.stoppedBy !== undefined) {
    throw new CliError(
      name,
      undefined,
      stderrText,
      `${label} did not finish within ${options.timeoutMs} ms (stopped)`,
    );
  }
  const exitCode = ended.exitCode ?? 128;
  if (exitCode !== 0 && options.ignoreReturnCode !== true) {
    const tail = lastLines(stderrText, stderrTailLines);
    throw new CliError(
      name,
      exitCode,
      stderrText,
      `${label} exited with code ${exitCode}` + (tail === '' ? '' : `:\n${tail}`),
    );
  }
  return { exitCode, stdout, stderr: stderrText };
}

/** The last `count` non-empty lines of `text`. */
export function lastLines(text: string, count: number): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.slice(-count).join('\n');
}

function displayName(command: string): string {
  const parts = command.split(/[\\/]/);
  return parts[parts.length - 1] ?? command;
}

/** The subcommand for messages: the first arguments up to the first option. */
function summarize(args: readonly string[]): string {
  const words: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('-') || words.length === 2) break;
    words.push(arg);
  }
  return words.join(' ');
}

export interface StartCliOptions {
  readonly cwd?: string;
  /** Added to (and overriding) the child's environment, see `childEnv`. */
  readonly env?: Readonly<Record<string, string>>;
  /** After this the child is stopped like on abort. */
  readonly timeoutMs: number;
  /** Each stdout and stderr line as it arrives, without its line break, length capped. */
  readonly onLine: (line: string) => void;
  /** Aborting it stops the child: SIGINT, then SIGTERM after `graceMs`. */
  readonly signal?: AbortSignal;
  /** Between SIGINT and SIGTERM, and between SIGTERM and SIGKILL. */
  readonly graceMs?: number;
}

/** How a long-running child ended. */
export interface StartCliResult {
  /** Undefined when a signal ended it. */
  readonly exitCode: number | undefined;
  readonly exitSignal: NodeJS.Signals | undefined;
  /** Why the action stopped it, when it did. */
  readonly stoppedBy: 'timeout' | 'abort' | undefined;
  /** The last output lines (stdout and stderr interleaved as they arrived). */
  readonly tail: readonly string[];
}

export interface CliHandle {
  readonly pid: number | undefined;
  /** Settles once the child has exited and its output is read; rejects only when it could
   * not be started. */
  readonly result: Promise<StartCliResult>;
  /** Asks the child to stop (SIGINT, SIGTERM, SIGKILL, each after a grace) and waits. */
  stop(): Promise<StartCliResult>;
}

const defaultGraceMs = 10_000;
const tailLines = 20;

/** Starts a long-running command whose lines stream to `onLine`; see the top of the file. */
export function startCli(
  command: string,
  args: readonly string[],
  options: StartCliOptions,
): CliHandle {
  const name = displayName(command);
  const tail = new TailBuffer(tailLines);
  const emit = (line: string): void => {
    tail.push(line);
    options.onLine(line);
  };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  if (options.signal?.aborted) controller.abort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  let pid: number | undefined;
  const running = spawnBounded(command, args, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: childEnv(options.env),
    timeoutMs: options.timeoutMs,
    graceMs: options.graceMs ?? defaultGraceMs,
    firstSignal: 'SIGINT',
    signal: controller.signal,
    onStdout: emit,
    onStderr: emit,
    onSpawn: (child) => (pid = child.pid),
  });
  const result = running.then(
    (ended) => ({ ...ended, tail: tail.lines() }),
    (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CliError(name, undefined, '', `${name} could not be run: ${reason}`);
    },
  );
  const detach = (): void => options.signal?.removeEventListener('abort', onAbort);
  result.then(detach, detach);
  return {
    pid,
    result,
    stop: () => {
      controller.abort();
      return result;
    },
  };
}

/** Aborts `controller` when the action itself gets SIGINT or SIGTERM (a cancelled job);
 * returns the function that stops listening. While listening, those signals no longer end
 * the action's process: the caller stops its child and winds down instead. */
export function abortOnProcessSignals(controller: AbortController): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  const handlers = signals.map((signal) => {
    const handler = (): void => controller.abort(new Error(`received ${signal}`));
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

interface SpawnOptions {
  readonly cwd?: string;
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
  readonly graceMs: number;
  /** The first signal of a stop: SIGINT lets flyctl wind down; git needs no such chance. */
  readonly firstSignal: 'SIGINT' | 'SIGTERM';
  readonly signal?: AbortSignal;
  /** Each line, length capped, and (stdout) the raw text it came from. */
  readonly onStdout: (line: string, raw: string) => void;
  readonly onStderr: (line: string) => void;
  readonly onSpawn?: (child: ChildProcess) => void;
}

type SpawnResult = Omit<StartCliResult, 'tail'>;

/** Spawns without a shell in its own process group; stops it (first signal, SIGTERM,
 * SIGKILL, `graceMs` apart) on timeout or abort. Rejects only when it could not start. */
function spawnBounded(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): Promise<SpawnResult> {
  const ownGroup = process.platform !== 'win32';
  const child = spawn(command, [...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
    // Its own process group, so a stop reaches whatever the child started too.
    detached: ownGroup,
  });
  options.onSpawn?.(child);
  let stoppedBy: StartCliResult['stoppedBy'];
  let exited = false;
  const timers: NodeJS.Timeout[] = [];
  const signals: NodeJS.Signals[] = [options.firstSignal, 'SIGTERM', 'SIGKILL'].filter(
    (signal, index, all) => all.indexOf(signal) === index,
  ) as NodeJS.Signals[];
  const sendFrom = (index: number): void => {
    const signal = signals[index];
    if (exited || signal === undefined) return;
    signalChild(child, signal, ownGroup);
    timers.push(setTimeout(() => sendFrom(index + 1), options.graceMs));
  };
  const stopping = (reason: 'timeout' | 'abort'): void => {
    if (exited || stoppedBy !== undefined) return;
    stoppedBy = reason;
    sendFrom(0);
  };
  const onAbort = (): void => stopping('abort');
  return new Promise<SpawnResult>((resolve, reject) => {
    const finish = (): void => {
      exited = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const stdout = lineSplitter(options.onStdout);
    const stderr = lineSplitter(options.onStderr);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => {
      // Only a spawn failure is reported here when the child never ran.
      if (child.pid !== undefined) return;
      finish();
      reject(error);
    });
    // 'close' comes after the output streams ended, so no line is lost.
    child.once('close', (code, exitSignal) => {
      stdout.end();
      stderr.end();
      finish();
      resolve({ exitCode: code ?? undefined, exitSignal: exitSignal ?? undefined, stoppedBy });
    });
    timers.push(setTimeout(() => stopping('timeout'), options.timeoutMs));
    if (options.signal?.aborted) stopping('abort');
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function signalChild(child: ChildProcess, signal: NodeJS.Signals, group: boolean): boolean {
  try {
    if (group && child.pid !== undefined) {
      process.kill(-child.pid, signal);
      return true;
    }
  } catch {
    // The group is gone or was never made: signal the child itself.
  }
  return child.kill(signal);
}
