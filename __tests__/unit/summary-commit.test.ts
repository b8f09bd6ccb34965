import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCommitInfo } from '../../src/report/commit.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-commit-'));
  dirs.push(dir);
  return dir;
}

function gitRepo(dir: string, message: string): string {
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
      },
    }).trim();
  git('init', '--quiet');
  git('commit', '--quiet', '--allow-empty', '-m', message);
  return git('rev-parse', 'HEAD');
}

const debug = (): void => undefined;

describe('readCommitInfo', () => {
  it('links the commit and takes the first line of the push event head_commit', async () => {
    const dir = await tempDir();
    const sha = 'a'.repeat(40);
    const event = path.join(dir, 'event.json');
    await writeFile(
      event,
      JSON.stringify({ head_commit: { id: sha, message: 'Fix the cart\n\nbody' } }),
    );
    const info = await readCommitInfo(
      {
        GITHUB_SHA: sha,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_EVENT_PATH: event,
      },
      debug,
    );
    expect(info).toEqual({
      sha,
      url: `https://github.com/acme/shop/commit/${sha}`,
      subject: 'Fix the cart',
    });
  });

  it('reads the message from the checkout when the event has none for this commit', async () => {
    const dir = await tempDir();
    const sha = gitRepo(dir, 'Cache the totals\n\nwhy');
    const event = path.join(dir, 'event.json');
    await writeFile(event, JSON.stringify({ pull_request: { number: 1 } }));
    const info = await readCommitInfo(
      { GITHUB_SHA: sha, GITHUB_EVENT_PATH: event, GITHUB_WORKSPACE: dir },
      debug,
    );
    expect(info).toEqual({ sha, url: undefined, subject: 'Cache the totals' });
  });

  it('never fails: an unreadable event file leaves the subject out', async () => {
    const messages: string[] = [];
    const info = await readCommitInfo(
      { GITHUB_SHA: 'b'.repeat(40), GITHUB_EVENT_PATH: '/nonexistent/event.json' },
      (message) => messages.push(message),
    );
    expect(info?.subject).toBeUndefined();
    expect(messages.join()).toMatch(/Could not read the commit message/);
    expect(await readCommitInfo({}, debug)).toBeUndefined();
  });
});
