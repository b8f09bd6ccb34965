// The last lines of a process's or a stream's output, bounded in count and in line length,
// so a chatty build or a line without newlines cannot grow the action's memory.
import { StringDecoder } from 'node:string_decoder';
import { cutBeforeSecrets, redactSecrets, trimSecretStart } from './secrets.js';

/** Longest line kept; the rest is cut with a marker (a minified bundle can print megabytes). */
export const MAX_LINE_CHARS = 64 * 1024;

/** Redacts the action's secrets (secrets.ts), then cuts the line to `max` characters with a
 * marker saying how much was dropped; a cut never leaves the start of a secret behind. */
export function capLine(line: string, max = MAX_LINE_CHARS): string {
  const text = redactSecrets(line);
  if (text.length <= max) return text;
  const kept = cutBeforeSecrets(text, max);
  return `${kept} … [${text.length - kept.length} more characters cut]`;
}

export class TailBuffer {
  private readonly kept: string[] = [];

  constructor(private readonly maxLines: number) {}

  push(line: string): void {
    this.kept.push(capLine(line));
    if (this.kept.length > this.maxLines) this.kept.shift();
  }

  lines(): readonly string[] {
    return [...this.kept];
  }

  get size(): number {
    return this.kept.length;
  }
}

/** Splits a byte stream into lines (LF or CRLF), decoding UTF-8 across chunk borders. A line
 * is capped (see capLine) and so is what waits for its line break: a stream without newlines
 * cannot grow the action's memory. */
export function lineSplitter(emit: (line: string, raw: string) => void): {
  push(chunk: Uint8Array): void;
  end(): void;
} {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  // Characters of the current line dropped beyond the cap, to report how many were cut.
  let dropped = 0;
  const emitLine = (line: string, raw: string): void => {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    emit(cutLine(text, dropped), raw);
    dropped = 0;
  };
  const limit = MAX_LINE_CHARS + 1;
  const flushLines = (): void => {
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) emitLine(line, `${line}\n`);
    if (pending.length > limit) {
      dropped += pending.length - limit;
      pending = pending.slice(0, limit);
    }
  };
  return {
    push(chunk) {
      pending += decoder.write(chunk);
      flushLines();
    },
    end() {
      pending += decoder.end();
      flushLines();
      if (pending !== '') emitLine(pending, pending);
      pending = '';
    },
  };
}

/** A line cut to at most MAX_LINE_CHARS with capLine's marker, counting `dropped` characters
 * that never reached memory; at most the cap, so a TailBuffer keeps it as it is. */
function cutLine(line: string, dropped: number): string {
  const redacted = redactSecrets(line);
  const total = redacted.length + dropped;
  if (total <= MAX_LINE_CHARS) return redacted;
  // Cut already when characters were dropped (see lineSplitter): its end may start a secret.
  const text = dropped > 0 ? trimSecretStart(redacted) : redacted;
  const kept = cutBeforeSecrets(text, MAX_LINE_CHARS - 64);
  return `${kept} … [${total - kept.length} more characters cut]`;
}
