import { afterEach, describe, expect, it } from 'vitest';
import { CliError, abortOnProcessSignals, startCli } from '../../src/io/child-process.js';
import type { CliHandle, StartCliOptions } from '../../src/io/child-process.js';

const node = process.execPath;
const started: CliHandle[] = [];

/** Starts `node -e script`, collecting lines; `ready` resolves at the line `ready`. */
function startNode(
  script: string,
  options: Partial<StartCliOptions> = {},
): { handle: CliHandle; lines: string[]; ready: Promise<void> } {
  const lines: string[] = [];
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const handle = startCli(node, ['-e', script], {
    timeoutMs: 10_000,
    graceMs: 2_000,
    ...options,
    onLine: (line) => {
      lines.push(line);
      if (line === 'ready') markReady();
    },
  });
  started.push(handle);
  return { handle, lines, ready };
}

afterEach(async () => {
  // No child outlives its test, whatever the test did.
  await Promise.all(started.splice(0).map((handle) => handle.stop().catch(() => undefined)));
});

describe('startCli', () => {
  it('streams stdout and stderr lines as they come, arguments verbatim', async () => {
    const script = [
      'process.stdout.write("first\\r\\nsec");',
      'setTimeout(() => { process.stdout.write("ond\\n"); console.error("warned");',
      'process.stdout.write(process.argv[1] + "\\nno newline at the end"); }, 50);',
    ].join(' ');
    const lines: string[] = [];
    const handle = startCli(node, ['-e', script, 'a b; $(touch x) `y`'], {
      timeoutMs: 10_000,
      onLine: (line) => lines.push(line),
    });
    started.push(handle);
    const result = await handle.result;
    expect(result).toEqual({
      exitCode: 0,
      exitSignal: undefined,
      stoppedBy: undefined,
      tail: lines,
    });
    expect(lines.filter((line) => line !== 'warned')).toEqual([
      'first',
      'second',
      'a b; $(touch x) `y`',
      'no newline at the end',
    ]);
    expect(lines).toContain('warned');
  });

  it('reports a nonzero exit code without throwing', async () => {
    const { handle } = startNode('process.exit(3)');
    await expect(handle.result).resolves.toMatchObject({ exitCode: 3, stoppedBy: undefined });
  });

  it('forwards SIGINT on abort and waits until the child has cleaned up', async () => {
    const controller = new AbortController();
    const { handle, lines, ready } = startNode(
      [
        'process.on("SIGINT", () => { console.log("got SIGINT");',
        'setTimeout(() => { console.log("cleaned up"); process.exit(127); }, 200); });',
        'console.log("ready"); setInterval(() => undefined, 1000);',
      ].join(' '),
      { signal: controller.signal },
    );
    await ready;
    controller.abort();
    const result = await handle.result;
    expect(result).toMatchObject({ exitCode: 127, stoppedBy: 'abort' });
    expect(lines).toEqual(['ready', 'got SIGINT', 'cleaned up']);
  });

  it('sends SIGTERM after the grace period when SIGINT is not enough', async () => {
    const { handle, lines, ready } = startNode(
      [
        'process.on("SIGINT", () => console.log("still busy"));',
        'console.log("ready"); setInterval(() => undefined, 1000);',
      ].join(' '),
      { graceMs: 200 },
    );
    await ready;
    const result = await handle.stop();
    expect(result).toMatchObject({ exitSignal: 'SIGTERM', stoppedBy: 'abort' });
    expect(lines).toEqual(['ready', 'still busy']);
  });

  it('stops the child when the timeout is reached', async () => {
    const startedAt = Date.now();
    const { handle } = startNode('setInterval(() => undefined, 1000)', { timeoutMs: 200 });
    const result = await handle.result;
    expect(result).toMatchObject({ exitSignal: 'SIGINT', stoppedBy: 'timeout' });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('stops at once when the signal was aborted before the start', async () => {
    const { handle } = startNode('setInterval(() => undefined, 1000)', {
      signal: AbortSignal.abort(),
    });
    await expect(handle.result).resolves.toMatchObject({ stoppedBy: 'abort' });
  });

  it('rejects when the command cannot be started', async () => {
    const handle = startCli('/nonexistent/flyctl', ['deploy'], {
      timeoutMs: 1_000,
      onLine: () => undefined,
    });
    const error: unknown = await handle.result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/^flyctl could not be run: .*ENOENT/);
  });
});

describe('abortOnProcessSignals', () => {
  it('aborts on SIGTERM of the action and stops listening when told', () => {
    const before = process.listenerCount('SIGTERM');
    const beforeInt = process.listenerCount('SIGINT');
    const controller = new AbortController();
    const unwatch = abortOnProcessSignals(controller);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    expect(process.listenerCount('SIGINT')).toBe(beforeInt + 1);
    process.emit('SIGTERM', 'SIGTERM');
    expect(controller.signal.aborted).toBe(true);
    unwatch();
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect(process.listenerCount('SIGINT')).toBe(beforeInt);
  });
});
