// A throwaway git repository with the app in a subdirectory, for archive and push tests.

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TempRepo {
  readonly root: string;
  /** The app's directory inside the repository (`<root>/app`). */
  readonly appDir: string;
  /** The commit holding the app files. */
  readonly commit: string;
  git(...args: string[]): string;
  remove(): Promise<void>;
}

/** Files committed under `app/`, plus a `README.md` at the top that the app must not ship. */
export async function createTempRepo(files: Readonly<Record<string, string>>): Promise<TempRepo> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'heroku-repo-'));
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: root },
    }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Test');
  git('config', 'commit.gpgsign', 'false');
  const appDir = path.join(root, 'app');
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(appDir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  await writeFile(path.join(root, 'README.md'), 'top level\n');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'app');
  const commit = git('rev-parse', 'HEAD');
  return {
    root,
    appDir,
    commit,
    git,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
