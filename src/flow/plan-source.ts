// What a deploy of a commit would ship from the source directory: how many files, how many
// bytes, read from the commit's tree (what the build gets), never from the working tree.
import { runCli } from '../io/child-process.js';

export interface SourceSize {
  readonly files: number;
  readonly bytes: number;
}

const GIT_TIMEOUT_MS = 60_000;

/** Sums `git ls-tree -r -l -z` lines: `<mode> <type> <object> <size>\t<path>` (git docs,
 * "git-ls-tree": `--long` shows the size of blobs, `-` for other objects). */
export function sumTree(listing: string): SourceSize {
  let files = 0;
  let bytes = 0;
  for (const entry of listing.split('\0')) {
    const match = /^\d+ blob [0-9a-f]+ +(\d+)\t/.exec(entry);
    if (match === null) continue;
    files += 1;
    bytes += Number(match[1]);
  }
  return { files, bytes };
}

/** The files of `commit` under `sourceDir`, as `git archive` would pack them. */
export async function measureSource(sourceDir: string, commit: string): Promise<SourceSize> {
  // An argument that starts with '-' would be read by git as an option.
  if (!/^[^\s:-][^\s:]*$/.test(commit)) throw new Error(`'${commit}' is not a commit name`);
  const listed = await runCli('git', ['ls-tree', '-r', '-l', '-z', commit, '--', '.'], {
    cwd: sourceDir,
    timeoutMs: GIT_TIMEOUT_MS,
    silent: true,
  });
  return sumTree(listed.stdout);
}
