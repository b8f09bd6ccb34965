// Output of a build or release phase: kept in full and streamed to readers as it grows.

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
