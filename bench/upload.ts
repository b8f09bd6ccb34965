// Measure 5: shipping a large committed tree to the simulator's blob store. The action's path
// (git archive to a file, SHA-256, POST /sources, PUT) against `git archive` + `curl -T` on the
// same tree, and the action's peak RSS while it does so. The build is refused by an injected
// 422 so each run ends right after the upload. Both paths run the very same `git archive`
// command on the same commit, so it runs once per run: inside the action, timed from /proc,
// and the baseline adds its own `curl -T` of the same bytes to that run's archive time.
import { execFile } from 'node:child_process';
import { copyFile, link, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { distEntry } from '../sim/runner.js';
import { HEROKU_TOKEN, startScenario } from '../sim/scenario.js';
import type { Scenario } from '../sim/scenario.js';
import type { RecordedRequest } from '../sim/types.js';
import { nowMs } from './clock.js';
import { watchProcess } from './process-watch.js';
import type { Section } from './section.js';
import { createSourceTree } from './source-tree.js';
import type { SourceTree } from './source-tree.js';
import { summarize } from './stats.js';
import { describeFailure, findLine, runTimed } from './timed-run.js';

const RUNS = 5;
const MB = 1e6;
const run = promisify(execFile);

export function uploadMegabytes(): number {
  const raw = process.env.BENCH_UPLOAD_MB ?? '500';
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`BENCH_UPLOAD_MB must be a positive number of MB, got '${raw}'`);
  }
  return value;
}

interface UploadTiming {
  /** Archive (and hash) plus upload, ms. */
  readonly totalMs: number;
  /** From the PUT reaching the blob store to the client having its answer, ms. */
  readonly uploadMs: number;
  readonly archiveBytes: number;
}

function blobPut(requests: readonly RecordedRequest[]): RecordedRequest {
  const put = requests.find((request) => request.api === 'blob' && request.method === 'PUT');
  if (!put || put.status !== 200) {
    throw new Error(`no successful PUT to the blob store (status ${String(put?.status)})`);
  }
  return put;
}

interface ActionUpload {
  readonly timing: UploadTiming;
  /** Lifetime of the action's `git archive` child, ms. */
  readonly archiveMs: number;
  readonly peakRssBytes: number;
}

/** Hard-links the archive `git archive -o <file>` wrote to `keepAs` (the action deletes its
 * own copy when it ends). */
async function keepArchive(argv: readonly string[], keepAs: string): Promise<void> {
  const file = argv[argv.indexOf('-o') + 1];
  if (!argv.includes('-o') || file === undefined) {
    throw new Error(`git archive ran without -o: ${argv.join(' ')}`);
  }
  try {
    await link(file, keepAs);
  } catch {
    await copyFile(file, keepAs); // another file system
  }
}

/** `keepAs`: where to keep the archive the action built (for the baseline's curl). */
async function actionUpload(
  scenario: Scenario,
  tree: SourceTree,
  keepAs: string | undefined,
): Promise<ActionUpload> {
  scenario.sim.heroku.inject({
    method: 'POST',
    path: /^\/apps\/[^/]+\/builds$/,
    status: 422,
    body: { id: 'invalid_params', message: 'bench: the upload is all that is measured' },
  });
  const running = runTimed(scenario, {
    checkout: { dir: tree.dir, sha: tree.sha },
    timeoutMs: 10 * 60_000,
  });
  // The workspace tells this action run apart from those of a measure running alongside.
  const [timed, watch] = await Promise.all([
    running,
    watchProcess(
      { needle: distEntry, cwd: tree.dir },
      { needle: '\0archive\0' },
      running,
      keepAs === undefined ? undefined : (span) => keepArchive(span.argv, keepAs),
    ),
  ]);
  scenario.sim.heroku.clear();
  const start = findLine(timed.lines, /^::group::Build and release of /);
  const uploaded = findLine(timed.lines, /^Uploaded the source$/);
  if (start < 0 || uploaded < 0)
    throw new Error(`upload did not happen: ${describeFailure(timed)}`);
  if (!watch.child) throw new Error('the git archive run by the action was not seen in /proc');
  const put = blobPut(timed.requests);
  const uploadedAt = timed.lines[uploaded]?.at ?? Number.NaN;
  return {
    timing: {
      totalMs: uploadedAt - (timed.lines[start]?.at ?? Number.NaN),
      uploadMs: uploadedAt - (put.receivedAt ?? Number.NaN),
      archiveBytes: Number(put.headers['content-length']),
    },
    archiveMs: watch.child.endedAt - watch.child.startedAt,
    peakRssBytes: watch.peakRssBytes,
  };
}

async function putUrl(scenario: Scenario): Promise<string> {
  const response = await fetch(new URL('/sources', scenario.sim.herokuApiUrl), {
    method: 'POST',
    headers: {
      accept: 'application/vnd.heroku+json; version=3',
      authorization: `Bearer ${HEROKU_TOKEN}`,
    },
  });
  const body = (await response.json()) as { source_blob?: { put_url?: unknown } };
  const url = body.source_blob?.put_url;
  if (typeof url !== 'string') throw new Error(`POST /sources answered ${response.status}`);
  return url;
}

/** The baseline's upload: `curl -T` of the archive to a fresh presigned URL; its `git archive`
 * is the run's own, timed inside the action (same command, same commit, same bytes). (Piping
 * git archive into `curl -T -` sends no Content-Length, which a presigned S3 PUT refuses.) */
async function curlUpload(
  scenario: Scenario,
  archive: string,
  archiveMs: number,
): Promise<UploadTiming> {
  const url = await putUrl(scenario);
  const firstRequest = scenario.sim.requests.length;
  const started = nowMs();
  await run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', archive, url]);
  const ended = nowMs();
  const put = blobPut(scenario.sim.requests.slice(firstRequest));
  return {
    totalMs: archiveMs + (ended - started),
    uploadMs: ended - (put.receivedAt ?? Number.NaN),
    archiveBytes: (await stat(archive)).size,
  };
}

export async function measureUpload(): Promise<Section> {
  const megabytes = uploadMegabytes();
  const treeStarted = nowMs();
  const tree = await createSourceTree(megabytes * MB);
  const treeSeconds = (nowMs() - treeStarted) / 1000;
  const temp = await mkdtemp(path.join(os.tmpdir(), 'gd-bench-curl-'));
  const archive = path.join(temp, 'source.tar.gz');
  const ours: UploadTiming[] = [];
  const theirs: UploadTiming[] = [];
  const archiveMs: number[] = [];
  const peaks: number[] = [];
  let scenario: Scenario | undefined;
  try {
    scenario = await startScenario({ app: 'bench-upload' });
    for (let index = 0; index < RUNS; index += 1) {
      // The bytes the action archived, kept once for curl (outside every timing).
      const action = await actionUpload(scenario, tree, index === 0 ? archive : undefined);
      ours.push(action.timing);
      archiveMs.push(action.archiveMs);
      peaks.push(action.peakRssBytes / MB);
      theirs.push(await curlUpload(scenario, archive, action.archiveMs));
    }
  } finally {
    await scenario?.close();
    await rm(temp, { recursive: true, force: true });
    await tree.remove();
  }
  const treeRate = (ms: number): number => tree.bytes / MB / (ms / 1000);
  const wireRate = (timing: UploadTiming): number =>
    timing.archiveBytes / MB / (timing.uploadMs / 1000);
  const archiveMb = (ours[0]?.archiveBytes ?? Number.NaN) / MB;
  return {
    title: `5. Source upload (${megabytes} MB tree)`,
    results: [
      summarize(
        'upload: action, archive+upload (tree MB/s)',
        'MB/s',
        ours.map((timing) => treeRate(timing.totalMs)),
      ),
      summarize(
        'upload: git archive + curl -T (tree MB/s)',
        'MB/s',
        theirs.map((timing) => treeRate(timing.totalMs)),
      ),
      summarize('upload: git archive alone (tree MB/s)', 'MB/s', archiveMs.map(treeRate)),
      summarize('upload: action, PUT only (archive MB/s)', 'MB/s', ours.map(wireRate)),
      summarize('upload: curl -T, PUT only (archive MB/s)', 'MB/s', theirs.map(wireRate)),
      summarize('upload: action peak RSS (VmHWM)', 'MB', peaks, { op: '<', value: 150, on: 'max' }),
    ],
    notes: [
      `Tree: ${(tree.bytes / MB).toFixed(0)} MB in ${tree.files} files (half text, half random),` +
        ` archive ${archiveMb.toFixed(0)} MB;`,
      `generating + committing it took ${treeSeconds.toFixed(1)} s. BENCH_UPLOAD_MB sets the size.`,
      'git archive (--format=tar.gz, the same command in both paths) runs once per run, inside',
      "the action; the baseline's time is that run's git archive + its own curl -T of the bytes.",
      'Peak RSS is the action process only (the git archive child is not counted).',
    ],
  };
}
