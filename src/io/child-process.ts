// How this action starts child processes, always with an argument array (never a shell
// string), a timeout, and errors that say which command failed and why. Two ways, on purpose:
// - `runCli` (@actions/exec) for short commands (git): it echoes to the job log the usual way,
//   but it keeps the child to itself, so the child can be neither stopped nor signalled.
// - `startCli` (node `child_process.spawn`) for long-running ones (flyctl deploy): the runner
//   sends SIGINT/SIGTERM to the action's process only when a job is cancelled, so the child
//   would keep deploying unless the action forwards the signal, waits for the child to stop,
//   and only then decides what is live. That needs the child's own handle.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { getExecOutput } from '@actions/exec';

export interface CliOptions {
  readonly cwd?: string;
  /** Added to (and overriding) the action's own environment. */
  readonly env?: Readonly<Record<string, string>>;
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

const stderrTailLines = 10;

export async function runCli(
  command: string,
  args: readonly string[],
  options: CliOptions,
): Promise<CliResult> {
  const name = displayName(command);
  const label = [name, summarize(args)].filter((word) => word !== '').join(' ');
  const running = getExecOutput(quoteCommand(command), [...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: mergedEnv(options.env),
    silent: options.silent ?? false,
    // The exit code is judged here so the error can carry the stderr tail.
    ignoreReturnCode: true,
    ...(options.onLine === undefined
      ? {}
      : { listeners: { stdline: options.onLine, errline: options.onLine } }),
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new CliError(name, undefined, '', `${label} did not finish within ${options.timeoutMs} ms`),
      );
    }, options.timeoutMs);
  });
  // After a timeout the exec promise may still settle; nobody waits for it any more.
  running.catch(() => undefined);
  let output: CliResult;
  try {
    output = await Promise.race([running, timeout]);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(name, undefined, '', `${label} could not be run: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
  if (output.exitCode !== 0 && options.ignoreReturnCode !== true) {
    const tail = lastLines(output.stderr, stderrTailLines);
    throw new CliError(
      name,
      output.exitCode,
      output.stderr,
      `${label} exited with code ${output.exitCode}` + (tail === '' ? '' : `:\n${tail}`),
    );
  }
  return { exitCode: output.exitCode, stdout: output.stdout, stderr: output.stderr };
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

// @actions/exec splits its first parameter like a command line; keep a path with spaces whole.
function quoteCommand(command: string): string {
  if (command.includes('"')) throw new Error(`Command path must not contain '"': ${command}`);
  return /\s/.test(command) ? `"${command}"` : command;
}

function mergedEnv(extra: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

export interface StartCliOptions {
  readonly cwd?: string;
  /** Added to (and overriding) the action's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** After this the child is stopped like on abort. */
  readonly timeoutMs: number;
  /** Each stdout and stderr line as it arrives, without its line break. */
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
  const graceMs = options.graceMs ?? defaultGraceMs;
  const tail: string[] = [];
  const emit = (line: string): void => {
    tail.push(line);
    if (tail.length > tailLines) tail.shift();
    options.onLine(line);
  };
  const ownGroup = process.platform !== 'win32';
  const child = spawn(command, [...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: mergedEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
    // Its own process group, so a stop reaches whatever the child started too.
    detached: ownGroup,
  });
  let stoppedBy: StartCliResult['stoppedBy'];
  let exited = false;
  const timers: NodeJS.Timeout[] = [];

  const stopping = (reason: 'timeout' | 'abort'): void => {
    if (exited || stoppedBy !== undefined) return;
    stoppedBy = reason;
    signalChild(child, 'SIGINT', ownGroup);
    timers.push(
      setTimeout(() => {
        if (exited) return;
        signalChild(child, 'SIGTERM', ownGroup);
        timers.push(
          setTimeout(() => {
            if (!exited) signalChild(child, 'SIGKILL', ownGroup);
          }, graceMs),
        );
      }, graceMs),
    );
  };

  const onAbort = (): void => stopping('abort');
  const result = new Promise<StartCliResult>((resolve, reject) => {
    const stdout = lineSplitter(emit);
    const stderr = lineSplitter(emit);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => {
      // Only a spawn failure is reported here when the child never ran.
      if (child.pid !== undefined) return;
      finish();
      reject(new CliError(name, undefined, '', `${name} could not be run: ${error.message}`));
    });
    // 'close' comes after the output streams ended, so no line is lost.
    child.once('close', (code, exitSignal) => {
      stdout.end();
      stderr.end();
      finish();
      resolve({
        exitCode: code ?? undefined,
        exitSignal: exitSignal ?? undefined,
        stoppedBy,
        tail: [...tail],
      });
    });
  });
  const finish = (): void => {
    exited = true;
    for (const timer of timers) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  };
  timers.push(setTimeout(() => stopping('timeout'), options.timeoutMs));
  if (options.signal?.aborted) stopping('abort');
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    pid: child.pid,
    result,
    stop: () => {
      stopping('abort');
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

/** Splits a byte stream into lines (LF or CRLF), decoding UTF-8 across chunk borders. */
function lineSplitter(emit: (line: string) => void): {
  push(chunk: Buffer): void;
  end(): void;
} {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const flushLines = (): void => {
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) emit(line.endsWith('\r') ? line.slice(0, -1) : line);
  };
  return {
    push(chunk) {
      pending += decoder.write(chunk);
      flushLines();
    },
    end() {
      pending += decoder.end();
      flushLines();
      if (pending !== '') emit(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
      pending = '';
    },
  };
}
