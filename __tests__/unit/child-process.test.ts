import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CliError,
  abortOnProcessSignals,
  childEnv,
  runCli,
  startCli,
} from '../../src/io/child-process.js';
import { lineSplitter, MAX_LINE_CHARS } from '../../src/io/tail-buffer.js';
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
      // Long enough for a loaded machine to run the SIGINT handler before the SIGTERM.
      { graceMs: 1_500 },
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

describe('runCli', () => {
  it('stops a child that runs past its timeout, and only then rejects', async () => {
    let pid = 0;
    const script = 'console.log(process.pid); setInterval(() => undefined, 1000)';
    // Long enough for a node on a loaded machine to start and print its pid (300 ms was not,
    // with two copies of the suite on two cores): the child must be running when it is cut.
    const error: unknown = await runCli(node, ['-e', script], {
      timeoutMs: 2_000,
      silent: true,
      onLine: (line) => (pid = Number(line)),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/^node did not finish within 2000 ms/);
    expect(pid).toBeGreaterThan(0);
    // Gone, not left running: signal 0 only checks that the process exists.
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('gives the child no INPUT_* variable and none of the runner tokens', async () => {
    const secrets = {
      'INPUT_API-TOKEN': 'tok-1',
      'INPUT_GITHUB-TOKEN': 'tok-2',
      ACTIONS_RUNTIME_TOKEN: 'tok-3',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'tok-4',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'tok-5',
    };
    Object.assign(process.env, secrets);
    try {
      const result = await runCli(node, ['-e', 'console.log(JSON.stringify(process.env))'], {
        timeoutMs: 10_000,
        silent: true,
        env: { ADDED: 'yes' },
      });
      const seen = JSON.parse(result.stdout) as Record<string, string>;
      for (const name of Object.keys(secrets)) expect(seen).not.toHaveProperty(name);
      expect(result.stdout).not.toMatch(/tok-\d/);
      expect(seen.ADDED).toBe('yes');
      expect(seen.PATH).toBe(process.env.PATH);
    } finally {
      for (const name of Object.keys(secrets)) Reflect.deleteProperty(process.env, name);
    }
  });

  it('echoes the output between stop-commands and its resume line', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await runCli(node, ['-e', 'console.log("::add-mask::x"); console.log("::error::y")'], {
        timeoutMs: 10_000,
      });
    } finally {
      spy.mockRestore();
    }
    const lines = written.join('').split('\n');
    const open = lines.findIndex((line) => line.startsWith('::stop-commands::'));
    const token = lines[open]?.slice('::stop-commands::'.length) ?? '';
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const close = lines.indexOf(`::${token}::`);
    expect(lines.indexOf('::add-mask::x')).toBeGreaterThan(open);
    expect(lines.indexOf('::error::y')).toBeLessThan(close);
    expect(open).toBeGreaterThanOrEqual(0);
  });
});

describe('childEnv', () => {
  it('withholds inputs, state and runner secrets, keeps the rest, adds what is given', () => {
    const env = childEnv(
      { FLY_API_TOKEN: 'given' },
      {
        PATH: '/bin',
        HOME: '/home/runner',
        'INPUT_API-TOKEN': 'a',
        input_lower: 'b',
        STATE_saved: 'c',
        ACTIONS_RUNTIME_TOKEN: 'd',
        ACTIONS_RUNTIME_URL: 'e',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'f',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'g',
        ACTIONS_RESULTS_URL: 'h',
        GITHUB_TOKEN: 'i',
        FLY_API_TOKEN: 'inherited',
        GITHUB_SHA: 'abc',
      },
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/home/runner',
      GITHUB_SHA: 'abc',
      FLY_API_TOKEN: 'given',
    });
  });
});

describe('line cap', () => {
  it('cuts an endless line without newlines and keeps the stream bounded', async () => {
    const lines: string[] = [];
    const script = 'process.stdout.write("x".repeat(300000)); console.log(); console.log("after")';
    const { handle } = startNode(script);
    const result = await handle.result;
    lines.push(...result.tail);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.length).toBeLessThanOrEqual(64 * 1024);
    expect(lines[0]).toMatch(/\[234528 more characters cut\]$/);
    expect(lines[1]).toBe('after');
  });
});

describe('lineSplitter', () => {
  it('splits LF and CRLF across chunks, a multi-byte character split in two included', () => {
    const lines: string[] = [];
    const splitter = lineSplitter((line) => lines.push(line));
    const euro = Buffer.from('€');
    splitter.push(Buffer.concat([Buffer.from('a\r\nb'), euro.subarray(0, 1)]));
    splitter.push(Buffer.concat([euro.subarray(1), Buffer.from('\nlast')]));
    splitter.end();
    expect(lines).toEqual(['a', 'b€', 'last']);
  });

  it('keeps at most the cap of a line that never ends, and counts what was cut', () => {
    const lines: string[] = [];
    const splitter = lineSplitter((line) => lines.push(line));
    for (let i = 0; i < 10; i += 1) splitter.push(Buffer.from('y'.repeat(100_000)));
    splitter.end();
    expect(lines).toHaveLength(1);
    expect(lines[0]?.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
    expect(lines[0]).toMatch(/ … \[934528 more characters cut\]$/);
  });
});
