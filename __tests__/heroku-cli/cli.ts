// The official Heroku CLI, pinned, installed on demand into a cache folder (it is about
// 400 MB, so it is no devDependency), and run against the simulator like a user would run it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../sim/runner.js';

const run = promisify(execFile);

/** npm package `heroku`, the 11.x line the action's notes were checked against. */
export const HEROKU_CLI_VERSION = '11.10.0';

const cacheDir = path.join(repoRoot, 'node_modules', '.cache', `heroku-cli-${HEROKU_CLI_VERSION}`);
const entry = path.join(cacheDir, 'node_modules', 'heroku', 'bin', 'run.js');

/** Installs the pinned CLI into the cache folder unless it is there already. */
export async function ensureCli(): Promise<void> {
  if (existsSync(entry)) return;
  await mkdir(cacheDir, { recursive: true });
  await run(
    'npm',
    [
      'install',
      '--prefix',
      cacheDir,
      '--no-audit',
      '--no-fund',
      '--save-exact',
      `heroku@${HEROKU_CLI_VERSION}`,
    ],
    { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  if (!existsSync(entry)) throw new Error(`npm installed no ${entry}`);
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `heroku ...args` against the API at `apiUrl` with `token`; never through a shell. */
export async function heroku(
  args: readonly string[],
  apiUrl: string,
  token: string,
  home: string,
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [entry, ...args], {
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        PATH: `${path.join(cacheDir, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
        HOME: home,
        // @heroku-cli/command takes an http(s) HEROKU_HOST as the API base.
        HEROKU_HOST: apiUrl,
        HEROKU_API_KEY: token,
        HEROKU_SKIP_ANALYTICS: '1',
        NO_COLOR: '1',
        COLUMNS: '200',
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: unknown; stderr?: unknown };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: typeof failed.stdout === 'string' ? failed.stdout : '',
      stderr: typeof failed.stderr === 'string' ? failed.stderr : String(error),
    };
  }
}
