// Output of a build or release phase: kept in full and streamed to readers as it grows.
import type { ServerResponse } from 'node:http';

type Listener = { readonly onLine: (line: string) => void; readonly onEnd: () => void };

export class OutputLog {
  private readonly lines: string[] = [];
  private readonly listeners = new Set<Listener>();
  private ended = false;

  get closed(): boolean {
    return this.ended;
  }

  text(): string {
    return this.lines.map((line) => `${line}\n`).join('');
  }

  append(line: string): void {
    if (this.ended) return;
    this.lines.push(line);
    for (const listener of this.listeners) listener.onLine(line);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const listener of this.listeners) listener.onEnd();
    this.listeners.clear();
  }

  /** Replays the lines so far, then follows; returns an unsubscribe function. */
  follow(onLine: (line: string) => void, onEnd: () => void): () => void {
    for (const line of this.lines) onLine(line);
    if (this.ended) {
      onEnd();
      return () => undefined;
    }
    const listener = { onLine, onEnd };
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Answers with `log` as text/plain, line by line, ending when the log ends; 404 without. */
export function serveLog(res: ServerResponse, log: OutputLog | undefined): void {
  if (!log) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
  const unsubscribe = log.follow(
    (line) => res.write(`${line}\n`),
    () => res.end(),
  );
  res.on('close', unsubscribe);
}
