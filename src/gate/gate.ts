// The test gate: decides from the jobs of this workflow run (and `needs`) whether to deploy.

/** A job of the workflow run, as the GitHub API reports it. */
export interface JobInfo {
  name: string;
  status: string;
  conclusion: string | null;
  runnerName: string | null;
  htmlUrl?: string | null;
  /** The run attempt this execution of the job belongs to, when the listing says. */
  attempt?: number;
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
  /** This run attempt: a verdict taken from an earlier one says so in its note. */
  attempt?: number;
}

const SUCCESS = 'success';
const PENDING_STATUSES = new Set(['queued', 'in_progress', 'waiting', 'pending', 'requested']);

/**
 * Whether `name` matches `pattern`, where `*` matches any text and everything else is literal
 * (job names often hold `(`, `.`, `/`). Linear in practice and O(pattern × name) at worst: on
 * a mismatch only the last `*` is widened, never every earlier one (a regex such as
 * `^.*a.*a.*a…b$` backtracks exponentially in the number of stars).
 */
export function matchesWildcard(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] === '*') {
      starAt = p++;
      resumeAt = n;
    } else if (p < pattern.length && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (starAt >= 0) {
      p = starAt + 1;
      n = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
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

interface JudgedJob {
  row: GateRow;
  problem: string | null;
}

/** With `require-jobs`: only jobs matching a pattern are judged. */
function judgeAgainstPatterns(job: JobInfo, patterns: readonly string[]): JudgedJob {
  const matchedBy = patterns.filter((pattern) => matchesWildcard(pattern, job.name));
  if (matchedBy.length === 0) {
    return {
      row: { ...pickState(job), required: false, ok: true, note: 'not required' },
      problem: null,
    };
  }
  const problem = jobProblem(job);
  const via = matchedBy.join("', '");
  const note = problem ?? (via === job.name ? 'required' : `required (matches '${via}')`);
  return { row: { ...pickState(job), required: true, ok: problem === null, note }, problem };
}

/** Without `require-jobs`: every other job must have completed with success. One still
 * queued or running is a refusal: it may yet fail, and nothing makes the deploy wait for it. */
function judgeEveryJob(job: JobInfo): JudgedJob {
  if (job.status !== 'completed') {
    const problem =
      `job '${job.name}' is still ${job.status}: add it to needs: of the deploy job, ` +
      'or list the jobs that matter in require-jobs';
    const note = `not finished (${job.status})`;
    return { row: { ...pickState(job), required: true, ok: false, note }, problem };
  }
  const problem = jobProblem(job);
  const row = { ...pickState(job), required: true, ok: problem === null, note: problem ?? 'ok' };
  return { row, problem };
}

/** Says which attempt a verdict comes from when it is not this one (a re-run of failed jobs
 * runs only those: the others are judged by their run in an earlier attempt). */
function withAttempt(judged: JudgedJob, job: JobInfo, attempt: number | undefined): JudgedJob {
  if (job.attempt === undefined) return judged;
  const from = job.attempt === attempt ? `attempt ${job.attempt}` : `from attempt ${job.attempt}`;
  return { ...judged, row: { ...judged.row, note: `${judged.row.note} (${from})` } };
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
  const patterns = input.requireJobs;
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
    const judged = patterns.length > 0 ? judgeAgainstPatterns(job, patterns) : judgeEveryJob(job);
    record(withAttempt(judged, job, input.attempt));
  }

  const existing = others.map((job) => job.name);
  for (const pattern of patterns) {
    if (existing.some((name) => matchesWildcard(pattern, name))) continue;
    record({
      row: missingPatternRow(pattern),
      problem:
        `required job '${pattern}' not found in this run (jobs: ${quoteNames(existing)}); ` +
        'use the display name shown in the run, `*` matches any text',
    });
  }
  if (patterns.length === 0 && others.length === 0) {
    problems.push(
      'no other job of this run exists, so there is nothing to gate on: ' +
        'add `needs: [<test job key>]` to the deploy job or set `require-jobs`',
    );
  }

  for (const [key, entry] of Object.entries(input.needs ?? {})) record(needsRow(key, entry));
  return { pass: problems.length === 0, rows, problems };
}
