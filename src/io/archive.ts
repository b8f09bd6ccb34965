// Packs exactly the committed tree of the source directory (never the working tree) into a
// .tar.gz for the platform's build, and measures it without reading it into memory.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError, lastLines, runCli } from './child-process.js';

export interface SourceArchive {
  /** Absolute path of the .tar.gz inside the temp dir given. */
  readonly path: string;
  readonly sizeBytes: number;
  /** Lower-case hex digest of the file. */
  readonly sha256: string;
}

// Local reads (rev-parse, cat-file) answer in milliseconds; the bound only catches a hung
// filesystem or a held lock, and a hung query should fail the run before it uploads.
const gitQueryTimeoutMs = 10_000;
// Large trees compress for a while; still bounded.
const gitArchiveTimeoutMs = 15 * 60_000;

export async function createSourceArchive(
  sourceDir: string,
  commit: string,
  tempDir: string,
): Promise<SourceArchive> {
  // An argument that starts with '-' would be read by git as an option.
  if (!/^[^\s:-][^\s:]*$/.test(commit)) {
    throw new Error(`'${commit}' is not a commit name git can archive`);
  }
  await requireDirectory(sourceDir);
  const topLevel = await gitTopLevel(sourceDir);
  const relativeDir = await relativeInside(topLevel, sourceDir);
  const sha = await resolveCommit(topLevel, commit);
  const treeish = relativeDir === '' ? sha : `${sha}:${relativeDir}`;
  // A resolved commit is always there; a subdirectory may not be part of it.
  if (relativeDir !== '') await requireTree(topLevel, treeish, relativeDir, commit);

  const archivePath = path.join(tempDir, `source-${sha.slice(0, 12)}.tar.gz`);
  await git(topLevel, ['archive', '--format=tar.gz', '-o', archivePath, treeish], {
    timeoutMs: gitArchiveTimeoutMs,
  });
  const [sha256, info] = await Promise.all([sha256OfFile(archivePath), stat(archivePath)]);
  return { path: archivePath, sizeBytes: info.size, sha256 };
}

/** Streams the file through SHA-256: archives can be hundreds of MB. */
export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

async function requireDirectory(dir: string): Promise<void> {
  let isDirectory = false;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new Error(`Source directory ${dir} does not exist`);
}

async function gitTopLevel(sourceDir: string): Promise<string> {
  const result = await git(sourceDir, ['rev-parse', '--show-toplevel'], {
    ignoreReturnCode: true,
  });
  const top = result.stdout.trim();
  if (result.exitCode !== 0 || top === '') {
    throw new Error(
      `Source directory ${sourceDir} is not inside a git repository ` +
        `(check out the repository first): ${lastLines(result.stderr, 3)}`,
    );
  }
  return top;
}

/** The directory relative to the repository root, with '/' separators ('' for the root). */
async function relativeInside(topLevel: string, sourceDir: string): Promise<string> {
  // git reports the resolved path (macOS /tmp is /private/tmp): compare resolved paths.
  const [realTop, realDir] = await Promise.all([realpath(topLevel), realpath(sourceDir)]);
  const relative = path.relative(realTop, realDir);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`Source directory ${sourceDir} is outside the repository ${topLevel}`);
  }
  return relative.split(path.sep).join('/');
}

async function resolveCommit(topLevel: string, commit: string): Promise<string> {
  const result = await git(topLevel, ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`], {
    ignoreReturnCode: true,
  });
  const sha = result.stdout.trim();
  if (result.exitCode !== 0 || sha === '') {
    throw new Error(
      `Commit ${commit} is not in the repository at ${topLevel} ` +
        `(a shallow or partial checkout that does not contain it?)`,
    );
  }
  return sha;
}

async function requireTree(
  topLevel: string,
  treeish: string,
  relativeDir: string,
  commit: string,
): Promise<void> {
  const result = await git(topLevel, ['cat-file', '-t', treeish], { ignoreReturnCode: true });
  if (result.exitCode !== 0 || result.stdout.trim() !== 'tree') {
    throw new Error(
      `Directory '${relativeDir}' is not in commit ${commit}: ` +
        `is the source directory committed?`,
    );
  }
}

async function git(
  cwd: string,
  args: readonly string[],
  options: { readonly timeoutMs?: number; readonly ignoreReturnCode?: boolean },
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  try {
    return await runCli('git', args, {
      cwd,
      silent: true,
      timeoutMs: options.timeoutMs ?? gitQueryTimeoutMs,
      ignoreReturnCode: options.ignoreReturnCode ?? false,
      // Never prompt, never page: the action runs unattended.
      env: { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
    });
  } catch (error) {
    if (error instanceof CliError) throw new Error(`Packing the source failed: ${error.message}`);
    throw error;
  }
}
