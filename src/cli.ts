// The one way this action starts a child process: @actions/exec with an argument array
// (never a shell string), a timeout, and errors that say which command failed and why.

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
