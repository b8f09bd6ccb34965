// The test gate: decides from the jobs of this workflow run (and `needs`) whether to deploy.

/** A job of the workflow run, as the GitHub API reports it. */
export interface JobInfo {
  name: string;
  status: string;
  conclusion: string | null;
  runnerName: string | null;
  htmlUrl?: string | null;
}

/** One entry of `${{ toJSON(needs) }}`. */
export interface NeedsEntry {
  result: string;
}

/** One line of the gate table: a job, a required pattern without a job, or a `needs` entry. */
export interface GateRow {
  name: string;
  status: string;
  conclusion: string | null;
  required: boolean;
  ok: boolean;
  note: string;
}

export interface GateVerdict {
  pass: boolean;
  rows: GateRow[];
  problems: string[];
}

export interface GateInput {
  jobs: readonly JobInfo[];
  requireJobs: readonly string[];
  needs?: Readonly<Record<string, NeedsEntry>>;
  /** `RUNNER_NAME` of the deploy job: tells it apart from other jobs still running. */
  selfRunnerName?: string;
}

const SUCCESS = 'success';
const PENDING_STATUSES = new Set(['queued', 'in_progress', 'waiting', 'pending', 'requested']);

/** `*` matches any text; everything else is literal (job names often hold `(`, `.`, `/`). */
export function globToRegExp(pattern: string): RegExp {
  const literalParts = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literalParts.join('.*')}$`, 's');
}

function isSelf(job: JobInfo, selfRunnerName: string | undefined): boolean {
  return (
    selfRunnerName !== undefined &&
    job.status === 'in_progress' &&
    job.runnerName === selfRunnerName
  );
}

function quoteNames(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map((name) => `'${name}'`).join(', ');
}

/** Judges a required (or, without `require-jobs`, a finished) job; null when it may deploy. */
function jobProblem(job: JobInfo): string | null {
  if (PENDING_STATUSES.has(job.status)) {
    return (
      `required job '${job.name}' is still ${job.status}: add \`needs: [<its job key>]\` ` +
      'to the deploy job so it waits for it'
    );
  }
  if (job.status !== 'completed') return `required job '${job.name}' has status ${job.status}`;
  if (job.conclusion === SUCCESS) return null;
  if (job.conclusion === null) return `job '${job.name}' completed without a conclusion`;
  return `job '${job.name}' concluded ${job.conclusion}`;
}

function pickState(job: JobInfo): Pick<GateRow, 'name' | 'status' | 'conclusion'> {
  return { name: job.name, status: job.status, conclusion: job.conclusion };
}

interface Matcher {
  pattern: string;
  regExp: RegExp;
}

interface JudgedJob {
  row: GateRow;
  problem: string | null;
}

/** With `require-jobs`: only jobs matching a pattern are judged. */
function judgeAgainstPatterns(job: JobInfo, matchers: readonly Matcher[]): JudgedJob {
  const matchedBy = matchers.filter((matcher) => matcher.regExp.test(job.name));
  if (matchedBy.length === 0) {
    return {
      row: { ...pickState(job), required: false, ok: true, note: 'not required' },
      problem: null,
    };
  }
  const problem = jobProblem(job);
  const via = matchedBy.map((matcher) => matcher.pattern).join("', '");
  const note = problem ?? (via === job.name ? 'required' : `required (matches '${via}')`);
  return { row: { ...pickState(job), required: true, ok: problem === null, note }, problem };
}

/** Without `require-jobs`: every finished job is judged, unfinished ones are not waited for. */
function judgeIfFinished(job: JobInfo): JudgedJob {
  if (job.status !== 'completed') {
    const note = `not finished (${job.status}): not gated`;
    return { row: { ...pickState(job), required: false, ok: true, note }, problem: null };
  }
  const problem = jobProblem(job);
  const row = { ...pickState(job), required: true, ok: problem === null, note: problem ?? 'ok' };
  return { row, problem };
}

function missingPatternRow(pattern: string): GateRow {
  const note = 'no job of this run has this name';
  return { name: pattern, status: 'missing', conclusion: null, required: true, ok: false, note };
}

function needsRow(key: string, entry: NeedsEntry): JudgedJob {
  const ok = entry.result === SUCCESS;
  const problem = ok ? null : `needed job '${key}' has result ${entry.result}, not success`;
  const row: GateRow = {
    name: `needs.${key}`,
    status: 'needs',
    conclusion: entry.result,
    required: true,
    ok,
    note: ok ? 'ok' : `result ${entry.result}`,
  };
  return { row, problem };
}

/** Decides the gate. Pure: the caller lists the jobs and renders the rows (in job order, then
 * required patterns without a job, then `needs` entries). */
export function judgeGate(input: GateInput): GateVerdict {
  const rows: GateRow[] = [];
  const problems: string[] = [];
  const record = ({ row, problem }: JudgedJob): void => {
    rows.push(row);
    if (problem !== null) problems.push(problem);
  };
  const matchers = input.requireJobs.map((pattern) => ({ pattern, regExp: globToRegExp(pattern) }));
  const others: JobInfo[] = [];
  for (const job of input.jobs) {
    if (isSelf(job, input.selfRunnerName)) {
      rows.push({
        ...pickState(job),
        required: false,
        ok: true,
        note: 'this deploy job (not judged)',
      });
      continue;
    }
    others.push(job);
    record(matchers.length > 0 ? judgeAgainstPatterns(job, matchers) : judgeIfFinished(job));
  }

  const existing = others.map((job) => job.name);
  for (const { pattern, regExp } of matchers) {
    if (existing.some((name) => regExp.test(name))) continue;
    record({
      row: missingPatternRow(pattern),
      problem:
        `required job '${pattern}' not found in this run (jobs: ${quoteNames(existing)}); ` +
        'use the display name shown in the run, `*` matches any text',
    });
  }
  if (matchers.length === 0 && !others.some((job) => job.status === 'completed')) {
    problems.push(
      'no other job of this run has finished, so there is nothing to gate on: ' +
        'add `needs: [<test job key>]` to the deploy job or set `require-jobs`',
    );
  }

  for (const [key, entry] of Object.entries(input.needs ?? {})) record(needsRow(key, entry));
  return { pass: problems.length === 0, rows, problems };
}
