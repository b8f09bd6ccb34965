// The Node.js buildpack's build step, simulated: package.json's `heroku-postbuild` script, else
// its `build` script, run in the build directory with its output in the build's output.
// Source: heroku/heroku-buildpack-nodejs lib/dependencies.sh `run_build_script` (the
// `-----> Build` header, "Running <name>", `npm run <name>`, which runs the script through
// `sh -c`); a script that fails fails the build. The buildpack's output is indented by seven
// spaces, so an app's line reaches the build log as `       <line>`.
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnGroup, stopGroup } from '../router/process-group.js';
import type { ProcessRegistry } from '../router/process-group.js';

const SCRIPT_TIMEOUT_MS = 60_000;
const INDENT = '       ';

/** The script the buildpack would run, if any: `heroku-postbuild` wins over `build`. */
async function buildScript(dir: string): Promise<{ name: string; command: string } | undefined> {
  const text = await fs.readFile(path.join(dir, 'package.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let scripts: unknown;
  try {
    scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
  } catch {
    return undefined;
  }
  if (typeof scripts !== 'object' || scripts === null) return undefined;
  for (const name of ['heroku-postbuild', 'build']) {
    const command = (scripts as Record<string, unknown>)[name];
    if (typeof command === 'string') return { name, command };
  }
  return undefined;
}

/** Runs the build script, if there is one, in its own process group like a release phase
 * (`spawnGroup`: lines to `append`, stopped with whatever it started); resolves with why it
 * failed, or undefined. */
export async function runBuildScript(
  dir: string,
  append: (line: string) => void,
  registry: ProcessRegistry,
): Promise<string | undefined> {
  const script = await buildScript(dir);
  if (script === undefined) return undefined;
  append('-----> Build');
  append(`${INDENT}Running ${script.name}`);
  const child = spawnGroup(script.command, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, NODE_ENV: 'production' },
    onLine: (line) => append(`${INDENT}${line}`),
    registry,
  });
  // 'close' comes after the output streams ended, so every line is in by then.
  const closed = new Promise<'closed'>((resolve) => {
    child.once('close', () => resolve('closed'));
    child.once('error', () => resolve('closed'));
  });
  const timedOut = sleep(SCRIPT_TIMEOUT_MS, 'timeout' as const, { ref: false });
  if ((await Promise.race([closed, timedOut])) === 'timeout') await stopGroup(child);
  const code = child.exitCode;
  return code === 0 ? undefined : `Failed at the ${script.name} script (exit code ${code})`;
}
