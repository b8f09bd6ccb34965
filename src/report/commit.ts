// Which commit a run deployed, for the summary's first line: best effort, never fails a run.
import { readFile } from 'node:fs/promises';
import { errorMessage } from '../io/errors.js';
import { runCli } from '../io/child-process.js';

export interface CommitInfo {
  readonly sha: string;
  /** The commit on GitHub, when the server and repository are known. */
  readonly url: string | undefined;
  /** First line of the commit message, when it could be read. */
  readonly subject: string | undefined;
}

const GIT_TIMEOUT_MS = 5_000;

type Env = Readonly<Record<string, string | undefined>>;

/** The message of `sha` from the event payload: push events carry `head_commit`. */
async function subjectFromEvent(
  eventPath: string | undefined,
  sha: string,
): Promise<string | undefined> {
  if (eventPath === undefined || eventPath === '') return undefined;
  const payload: unknown = JSON.parse(await readFile(eventPath, 'utf8'));
  if (typeof payload !== 'object' || payload === null || !('head_commit' in payload)) {
    return undefined;
  }
  const head = payload.head_commit;
  if (typeof head !== 'object' || head === null) return undefined;
  const id = 'id' in head ? head.id : undefined;
  const message = 'message' in head ? head.message : undefined;
  return id === sha && typeof message === 'string' ? message : undefined;
}

/** The message of `sha` from the checkout, when the workflow checked the repository out. */
async function subjectFromGit(
  workspace: string | undefined,
  sha: string,
): Promise<string | undefined> {
  if (workspace === undefined || workspace === '') return undefined;
  const result = await runCli('git', ['log', '-1', '--format=%s', sha], {
    cwd: workspace,
    timeoutMs: GIT_TIMEOUT_MS,
    silent: true,
    ignoreReturnCode: true,
  });
  return result.exitCode === 0 ? result.stdout : undefined;
}

/** The commit from the runner's GITHUB_* variables; undefined outside a workflow run. */
export async function readCommitInfo(
  env: Env,
  debug: (message: string) => void,
): Promise<CommitInfo | undefined> {
  const sha = env.GITHUB_SHA;
  if (sha === undefined || sha === '') return undefined;
  const server = env.GITHUB_SERVER_URL;
  const repository = env.GITHUB_REPOSITORY;
  const url =
    server === undefined || server === '' || repository === undefined || repository === ''
      ? undefined
      : `${server}/${repository}/commit/${sha}`;
  let message: string | undefined;
  try {
    message =
      (await subjectFromEvent(env.GITHUB_EVENT_PATH, sha)) ??
      (await subjectFromGit(env.GITHUB_WORKSPACE, sha));
  } catch (error) {
    debug(`Could not read the commit message of ${sha}: ${errorMessage(error)}`);
  }
  const subject = message?.split(/\r?\n/, 1)[0]?.trim();
  return { sha, url, subject: subject === '' ? undefined : subject };
}
