// The last lines of a process's or a stream's output, bounded in count and in line length,
// so a chatty build or a line without newlines cannot grow the action's memory.

/** Longest line kept; the rest is cut with a marker (a minified bundle can print megabytes). */
export const MAX_LINE_CHARS = 64 * 1024;

/** Cuts a line to `max` characters with a marker saying how much was dropped. */
export function capLine(line: string, max = MAX_LINE_CHARS): string {
  if (line.length <= max) return line;
  return `${line.slice(0, max)} … [${line.length - max} more characters cut]`;
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
