// Output the action did not write (a build, a release phase, flyctl) echoed to the job log so
// that none of its lines acts on the runner: a line such as `::add-mask::`, `::error::` or
// `::stop-commands::` printed by an app's build must stay text. The toolkit's way: the lines
// go between `::stop-commands::<token>` and `::<token>::`, with a token the output cannot
// know (https://github.com/actions/toolkit/blob/main/docs/commands.md#stop-and-start-log-commands).
import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import { capLine } from './tail-buffer.js';

export class UntrustedEcho {
  private readonly token = randomBytes(16).toString('hex');
  private stopped = false;

  /** `write` gets each line of the job log as it is written (core.info by default). */
  constructor(private readonly write: (line: string) => void = (line) => core.info(line)) {}

  /** Echoes one line; the first opens the stop-commands block. */
  readonly line = (text: string): void => {
    if (!this.stopped) {
      this.write(`::stop-commands::${this.token}`);
      this.stopped = true;
    }
    // One line of the log: a line break inside would end up outside nothing, but is cut here
    // anyway so each echoed line is one log line of bounded length.
    for (const part of text.split(/\r?\n/)) this.write(capLine(part));
  };

  /** Resumes workflow commands; call before the action writes its own commands again. */
  close(): void {
    if (!this.stopped) return;
    this.write(`::${this.token}::`);
    this.stopped = false;
  }
}

/** Runs `work` with an echo for untrusted lines, and resumes commands whatever happens. */
export async function withUntrustedEcho<T>(work: (log: (line: string) => void) => Promise<T>) {
  const echo = new UntrustedEcho();
  try {
    return await work(echo.line);
  } finally {
    echo.close();
  }
}

/** Echoes text that may quote untrusted output (an error with a build's last lines). */
export function withUntrustedLines(text: string): void {
  const echo = new UntrustedEcho();
  echo.line(text);
  echo.close();
}
