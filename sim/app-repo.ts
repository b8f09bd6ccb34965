// A throwaway git repository holding examples/app, with its behaviour set per commit through
// app-config.json, as a user's checkout would be.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './runner.js';

export interface AppConfig {
  version?: string;
  healthStatus?: number;
  healthBody?: string;
  startupDelayMs?: number;
  crashAfterMs?: number | null;
  crashAfterChecks?: number | null;
  flapping?: boolean;
  unhealthyRegion?: string | null;
  unhealthyAfterMs?: number;
  unhealthyAfterChecks?: number | null;
  breakAfterMs?: number | null;
  healthDelayMs?: number;
  /** Printed once at boot (examples/app/server.js). */
  bootLine?: string | null;
}

export interface AppRepo {
  readonly dir: string;
  /** Commits a new app-config.json (and optional extra files) with `message` (by default
   * the config); returns the commit SHA. */
  commit(
    config: AppConfig,
    extraFiles?: Record<string, string | null>,
    message?: string,
  ): Promise<string>;
  /** The SHA of HEAD. */
  head(): Promise<string>;
  remove(): Promise<void>;
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  }).trim();
}

export async function createAppRepo(): Promise<AppRepo> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-app-'));
  await cp(path.join(repoRoot, 'examples', 'app'), dir, { recursive: true });
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  return {
    dir,
    async commit(config, extraFiles = {}, message = `config ${JSON.stringify(config)}`) {
      await writeFile(path.join(dir, 'app-config.json'), `${JSON.stringify(config, null, 2)}\n`);
      for (const [name, content] of Object.entries(extraFiles)) {
        const file = path.join(dir, name);
        if (content === null) await rm(file, { force: true });
        else await writeFile(file, content);
      }
      git(dir, ['add', '--all']);
      git(dir, ['commit', '--quiet', '--allow-empty', '-m', message]);
      return git(dir, ['rev-parse', 'HEAD']);
    },
    head: () => Promise.resolve(git(dir, ['rev-parse', 'HEAD'])),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
