// Runs a build like Heroku's build service: fetch the source blob, verify its checksum, unpack
// it into a slug, check the Procfile, print buildpack-like output, then release.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { x as extractTar } from 'tar';
import { runBuildScript } from './build-script.js';
import type { AppRecord, BuildRecord, ReleaseRecord, SlugRecord } from './model.js';
import { readProcfile } from './procfile.js';
import type { ProcessRegistry } from '../router/process-group.js';

/** Spacing of the output lines, so a build takes a few hundred ms like a (fast) real one. */
const LINE_DELAY_MS = 25;
const FETCH_TIMEOUT_MS = 60_000;

export interface BuildDeps {
  readonly slugRoot: string;
  readonly signal: AbortSignal;
  readonly release: (slug: SlugRecord, description: string) => ReleaseRecord;
  readonly log: (line: string) => void;
  /** Where the build script's process is kept, so the simulator stops it on stop. */
  readonly registry: ProcessRegistry;
}

class BuildFailure extends Error {}

export async function runBuild(app: AppRecord, build: BuildRecord, deps: BuildDeps): Promise<void> {
  const out = async (line: string): Promise<void> => {
    build.output.append(line);
    await sleep(LINE_DELAY_MS);
  };
  try {
    await out('-----> Building on the Heroku-24 stack');
    const slug = await fetchAndUnpack(build, deps, out);
    const scriptFailure = await runBuildScript(
      slug.dir,
      (line) => build.output.append(line),
      deps.registry,
    );
    if (scriptFailure !== undefined) throw new BuildFailure(scriptFailure);
    await out('-----> Discovering process types');
    const types = Object.keys(slug.processTypes).sort();
    await out(`       Procfile declares types -> ${types.join(', ')}`);
    await out('-----> Compressing...');
    await out(`       Done: ${formatSize(slug.sizeBytes)}`);
    await out('-----> Launching...');
    if (slug.processTypes.release !== undefined) {
      await out(' !     Release command declared: this new release will not be available until');
      await out(' !     the command succeeds.');
    }
    app.slugs.set(slug.id, slug);
    build.slug = slug;
    const version = build.sourceBlob.version;
    const description = version ? `Deploy ${version.slice(0, 8)}` : 'Deploy';
    const release = deps.release(slug, description);
    build.release = release;
    await out(`       Released v${release.version}`);
    build.output.append(`       ${app.router.webUrl} deployed to Heroku`);
    finish(build, 'succeeded');
  } catch (error) {
    const reason =
      error instanceof BuildFailure ? error.message : `Internal error: ${String(error)}`;
    build.output.append(` !     ${reason}`);
    build.output.append(' !     Build failed');
    deps.log(`heroku[build]: build ${build.id} of ${app.name} failed: ${reason}`);
    finish(build, 'failed');
  }
}

function finish(build: BuildRecord, status: 'succeeded' | 'failed'): void {
  build.status = status;
  build.updatedAt = new Date().toISOString();
  build.output.end();
}

async function fetchAndUnpack(
  build: BuildRecord,
  deps: BuildDeps,
  out: (line: string) => Promise<void>,
): Promise<SlugRecord> {
  const expected = parseChecksum(build.sourceBlob.checksum);
  const slugId = randomUUID();
  const unpackDir = path.join(deps.slugRoot, slugId);
  await fs.mkdir(unpackDir, { recursive: true });
  await out('-----> Fetching source code');
  const response = await fetchBlob(build.sourceBlob.url, deps.signal);
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sizeBytes += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(response, meter, extractTar({ cwd: unpackDir, strict: true }), {
      signal: deps.signal,
    });
  } catch (error) {
    await fs.rm(unpackDir, { recursive: true, force: true });
    throw new BuildFailure(
      `Unable to unpack the source blob (not a gzipped tarball?): ${errorText(error)}`,
    );
  }
  if (expected !== undefined) {
    const actual = hash.digest('hex');
    if (actual !== expected) {
      await fs.rm(unpackDir, { recursive: true, force: true });
      throw new BuildFailure(
        `Checksum mismatch: expected SHA256:${expected}, the source blob has SHA256:${actual}`,
      );
    }
    await out('       Verified source checksum');
  }
  await out('-----> Node.js app detected');
  const dir = await sourceRoot(unpackDir);
  const processTypes = await readProcfile(dir);
  if (!processTypes) throw new BuildFailure('No Procfile found in the root of the source');
  if (processTypes.web === undefined) {
    throw new BuildFailure('The Procfile declares no `web` process type');
  }
  return { id: slugId, dir, processTypes, sizeBytes };
}

/** Like Heroku, a tarball whose only entry is a directory is built from that directory. */
async function sourceRoot(unpackDir: string): Promise<string> {
  const entries = await fs.readdir(unpackDir, { withFileTypes: true });
  const only = entries[0];
  if (entries.length === 1 && only?.isDirectory()) return path.join(unpackDir, only.name);
  return unpackDir;
}

function parseChecksum(checksum: string | null): string | undefined {
  if (checksum === null) return undefined;
  const match = /^SHA256:([0-9a-f]{64})$/i.exec(checksum);
  if (!match?.[1]) throw new BuildFailure(`Unsupported checksum format: ${checksum}`);
  return match[1].toLowerCase();
}

function fetchBlob(url: string, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (!url.startsWith('http://')) {
      reject(new BuildFailure('Unable to fetch the source blob: only http:// URLs are reachable'));
      return;
    }
    const request = http.get(url, { signal, timeout: FETCH_TIMEOUT_MS }, (response) => {
      if (response.statusCode === 200) {
        resolve(response);
        return;
      }
      response.resume();
      reject(new BuildFailure(`Unable to fetch the source blob: HTTP ${response.statusCode}`));
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) =>
      reject(new BuildFailure(`Unable to fetch the source blob: ${errorText(error)}`)),
    );
  });
}

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)}K`;
  return `${(bytes / 1024 / 1024).toFixed(1)}M`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
