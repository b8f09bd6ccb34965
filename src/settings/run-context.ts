// The runner's GITHUB_* variables: where this job runs.
import { InputError } from '../io/errors.js';
import type { RunContext } from './types.js';

export function runContext(env: NodeJS.ProcessEnv, problems: InputError[]): RunContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const runId = Number(env.GITHUB_RUN_ID);
  const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
  const sha = env.GITHUB_SHA ?? '';
  const missing = [
    owner === '' || repo === '' ? 'GITHUB_REPOSITORY' : '',
    Number.isInteger(runId) && runId > 0 ? '' : 'GITHUB_RUN_ID',
    Number.isInteger(attempt) && attempt > 0 ? '' : 'GITHUB_RUN_ATTEMPT',
    /^[0-9a-f]{40}$/.test(sha) ? '' : 'GITHUB_SHA',
  ].filter((name) => name !== '');
  if (missing.length > 0) {
    problems.push(
      new InputError(
        'environment',
        `${missing.join(', ')} not set or malformed: this action runs as a step of a ` +
          'GitHub Actions job, which sets them',
      ),
    );
  }
  return {
    owner,
    repo,
    runId,
    attempt,
    ...(env.GITHUB_JOB ? { job: env.GITHUB_JOB } : {}),
    sha,
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    runnerName: env.RUNNER_NAME === '' ? undefined : env.RUNNER_NAME,
  };
}
