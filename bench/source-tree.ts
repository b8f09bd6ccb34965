// A large source tree for measure 5, committed in a temp git repository: half text (compresses
// like prose), half incompressible random bytes, in many files of a few sizes.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const RANDOM_FILE_BYTES = 4_000_000;
const TEXT_FILE_BYTES = 250_000;
const WORDS = (
  'deploy release health check router dyno build slug source archive upload verify rollback ' +
  'preboot threshold interval timeout request response status version commit branch job ' +
  'the a of to and in is it that for on with as was at by be this from or have an they'
).split(' ');

export interface SourceTree {
  readonly dir: string;
  readonly sha: string;
  readonly bytes: number;
  readonly files: number;
  remove(): Promise<void>;
}

/** Prose-like text: random words, so gzip gets the ratio it gets on real code and docs. */
function textBlock(bytes: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = Array.from({ length: 12 }, () => WORDS[randomInt(WORDS.length)]).join(' ');
    parts.push(line);
    size += line.length + 1;
  }
  return Buffer.from(parts.join('\n')).subarray(0, bytes);
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@example.com',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@example.com',
    },
    maxBuffer: 16 * 1024 * 1024,
  }).trim();
}

export async function createSourceTree(totalBytes: number): Promise<SourceTree> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-bench-tree-'));
  try {
    git(dir, ['init', '--quiet', '--initial-branch=main']);
    // One text block, each file a different rotation of it: distinct blobs, same ratio.
    const text = textBlock(1_000_000);
    let bytes = 0;
    let files = 0;
    for (let index = 0; bytes < totalBytes / 2; index += 1) {
      const folder = path.join(dir, 'data', `part-${Math.floor(index / 50)}`);
      await mkdir(folder, { recursive: true });
      const size = Math.min(RANDOM_FILE_BYTES, Math.ceil(totalBytes / 2 - bytes));
      await writeFile(path.join(folder, `blob-${index}.bin`), randomBytes(size));
      bytes += size;
      files += 1;
    }
    for (let index = 0; bytes < totalBytes; index += 1) {
      const folder = path.join(dir, 'docs', `section-${Math.floor(index / 100)}`);
      await mkdir(folder, { recursive: true });
      const size = Math.min(TEXT_FILE_BYTES, totalBytes - bytes);
      const offset = (index * 7919) % (text.length - size);
      const content = Buffer.concat([
        Buffer.from(`# page ${index}\n`),
        text.subarray(offset, offset + size),
      ]);
      await writeFile(path.join(folder, `page-${index}.md`), content);
      bytes += content.length;
      files += 1;
    }
    // Storing loose objects uncompressed makes the 500 MB commit quick; the archive the
    // action builds from it is compressed as always.
    git(dir, ['-c', 'core.compression=0', '-c', 'core.looseCompression=0', 'add', '--all']);
    git(dir, ['commit', '--quiet', '-m', 'bench tree']);
    const sha = git(dir, ['rev-parse', 'HEAD']);
    return { dir, sha, bytes, files, remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
