// Measure 5: shipping a large committed tree to the simulator's blob store. The action's path
// (git archive to a file, SHA-256, POST /sources, PUT) against `git archive` + `curl -T` on the
// same tree, and the action's peak RSS while it does so. The build is refused by an injected
// 422 so each run ends right after the upload.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { distEntry } from '../sim/runner.js';
import { HEROKU_TOKEN, startScenario } from '../sim/scenario.js';
import type { Scenario } from '../sim/scenario.js';
import type { RecordedRequest } from '../sim/types.js';
import { nowMs } from './clock.js';
import { watchPeakRss } from './peak-rss.js';
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

async function actionUpload(scenario: Scenario, tree: SourceTree) {
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
  const [timed, peakRssBytes] = await Promise.all([running, watchPeakRss(distEntry, running)]);
  scenario.sim.heroku.clear();
  const start = findLine(timed.lines, /^::group::Build and release of /);
  const uploaded = findLine(timed.lines, /^Uploaded the source$/);
  if (start < 0 || uploaded < 0)
    throw new Error(`upload did not happen: ${describeFailure(timed)}`);
  const put = blobPut(timed.requests);
  const uploadedAt = timed.lines[uploaded]?.at ?? Number.NaN;
  const timing: UploadTiming = {
    totalMs: uploadedAt - (timed.lines[start]?.at ?? Number.NaN),
    uploadMs: uploadedAt - (put.receivedAt ?? Number.NaN),
    archiveBytes: Number(put.headers['content-length']),
  };
  return { timing, peakRssBytes };
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

/** The baseline: `git archive` to a file, then `curl -T`. (Piping git archive into
 * `curl -T -` sends no Content-Length, which a presigned S3 PUT refuses with 411.) */
async function curlUpload(scenario: Scenario, tree: SourceTree): Promise<UploadTiming> {
  const url = await putUrl(scenario);
  const temp = await mkdtemp(path.join(os.tmpdir(), 'gd-bench-curl-'));
  try {
    const archive = path.join(temp, 'source.tar.gz');
    const firstRequest = scenario.sim.requests.length;
    const started = nowMs();
    await run('git', ['archive', '--format=tar.gz', '-o', archive, tree.sha], { cwd: tree.dir });
    await run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', archive, url]);
    const ended = nowMs();
    const put = blobPut(scenario.sim.requests.slice(firstRequest));
    return {
      totalMs: ended - started,
      uploadMs: ended - (put.receivedAt ?? Number.NaN),
      archiveBytes: (await stat(archive)).size,
    };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

export async function measureUpload(): Promise<Section> {
  const megabytes = uploadMegabytes();
  const treeStarted = nowMs();
  const tree = await createSourceTree(megabytes * MB);
  const treeSeconds = (nowMs() - treeStarted) / 1000;
  const scenario = await startScenario({ app: 'bench-upload' });
  const ours: UploadTiming[] = [];
  const theirs: UploadTiming[] = [];
  const peaks: number[] = [];
  try {
    for (let index = 0; index < RUNS; index += 1) {
      const { timing, peakRssBytes } = await actionUpload(scenario, tree);
      ours.push(timing);
      peaks.push(peakRssBytes / MB);
      theirs.push(await curlUpload(scenario, tree));
    }
  } finally {
    await scenario.close();
    await tree.remove();
  }
  const treeRate = (timing: UploadTiming): number => tree.bytes / MB / (timing.totalMs / 1000);
  const wireRate = (timing: UploadTiming): number =>
    timing.archiveBytes / MB / (timing.uploadMs / 1000);
  const archiveMb = (ours[0]?.archiveBytes ?? Number.NaN) / MB;
  return {
    title: `5. Source upload (${megabytes} MB tree)`,
    results: [
      summarize('upload: action, archive+upload (tree MB/s)', 'MB/s', ours.map(treeRate)),
      summarize('upload: git archive + curl -T (tree MB/s)', 'MB/s', theirs.map(treeRate)),
      summarize('upload: action, PUT only (archive MB/s)', 'MB/s', ours.map(wireRate)),
      summarize('upload: curl -T, PUT only (archive MB/s)', 'MB/s', theirs.map(wireRate)),
      summarize('upload: action peak RSS (VmHWM)', 'MB', peaks, { op: '<', value: 150, on: 'max' }),
    ],
    notes: [
      `Tree: ${(tree.bytes / MB).toFixed(0)} MB in ${tree.files} files (half text, half random),` +
        ` archive ${archiveMb.toFixed(0)} MB;`,
      `generating + committing it took ${treeSeconds.toFixed(1)} s. BENCH_UPLOAD_MB sets the size.`,
      'Peak RSS is the action process only (the git archive child is not counted).',
    ],
  };
}
