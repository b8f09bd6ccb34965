import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { list } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSourceArchive } from '../../src/io/archive.js';
import { CliError, runCli } from '../../src/io/child-process.js';
import { createTempRepo } from '../helpers/heroku-git.js';
import type { TempRepo } from '../helpers/heroku-git.js';

let repo: TempRepo;
let out: string;

/** Every entry of a .tar.gz with its content. */
async function entries(file: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  await list({
    file,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        if (entry.type === 'File') found.set(entry.path, Buffer.concat(chunks).toString('utf8'));
      });
    },
  });
  return found;
}

beforeEach(async () => {
  repo = await createTempRepo({
    'package.json': '{"name":"app"}\n',
    'server.js': 'console.log("v1");\n',
    'lib/util.js': 'export const x = 1;\n',
  });
  out = await mkdtemp(path.join(os.tmpdir(), 'heroku-archive-out-'));
});

afterEach(async () => {
  await repo.remove();
  await rm(out, { recursive: true, force: true });
});

describe('createSourceArchive', () => {
  it('packs the committed subdirectory, not uncommitted edits or files around it', async () => {
    await writeFile(path.join(repo.appDir, 'server.js'), 'console.log("uncommitted");\n');
    await writeFile(path.join(repo.appDir, 'untracked.txt'), 'not committed\n');

    const archive = await createSourceArchive(repo.appDir, repo.commit, out);

    expect(path.dirname(archive.path)).toBe(out);
    const files = await entries(archive.path);
    expect([...files.keys()].sort()).toEqual(['lib/util.js', 'package.json', 'server.js']);
    expect(files.get('server.js')).toBe('console.log("v1");\n');
    const bytes = await readFile(archive.path);
    expect(archive.sizeBytes).toBe((await stat(archive.path)).size);
    expect(archive.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('packs the whole tree when the source directory is the repository root', async () => {
    const archive = await createSourceArchive(repo.root, repo.commit, out);
    const files = await entries(archive.path);
    expect(files.has('README.md')).toBe(true);
    expect(files.has('app/server.js')).toBe(true);
  });

  it('packs the commit asked for, not HEAD', async () => {
    await writeFile(path.join(repo.appDir, 'server.js'), 'console.log("v2");\n');
    repo.git('commit', '--quiet', '-am', 'v2');
    const archive = await createSourceArchive(repo.appDir, repo.commit, out);
    expect((await entries(archive.path)).get('server.js')).toBe('console.log("v1");\n');
  });

  it('says when the directory is not in a git repository', async () => {
    const plain = path.join(out, 'plain');
    await mkdir(plain);
    await expect(createSourceArchive(plain, repo.commit, out)).rejects.toThrow(
      /is not inside a git repository/,
    );
  });

  it('says when the commit is unknown', async () => {
    const missing = 'f'.repeat(40);
    await expect(createSourceArchive(repo.appDir, missing, out)).rejects.toThrow(
      `Commit ${missing} is not in the repository`,
    );
  });

  it('says when the directory is not in the commit', async () => {
    const fresh = path.join(repo.root, 'later');
    await mkdir(fresh);
    await writeFile(path.join(fresh, 'file.txt'), 'x\n');
    await expect(createSourceArchive(fresh, repo.commit, out)).rejects.toThrow(
      "Directory 'later' is not in commit",
    );
  });

  it('refuses a commit name git would read as an option', async () => {
    await expect(createSourceArchive(repo.appDir, '--output=/tmp/x', out)).rejects.toThrow(
      'is not a commit name',
    );
  });
});

// runCli is the helper archive.ts runs git with; its own behaviour is checked here.
describe('runCli', () => {
  const node = process.execPath;

  it('passes arguments verbatim, without a shell, and reports each line', async () => {
    const lines: string[] = [];
    const result = await runCli(
      node,
      ['-e', 'console.log(process.argv[1]); console.error("warned")', 'a b; $(touch x) `y`'],
      { timeoutMs: 10_000, silent: true, onLine: (line) => lines.push(line) },
    );
    expect(result).toEqual({ exitCode: 0, stdout: 'a b; $(touch x) `y`\n', stderr: 'warned\n' });
    expect(lines.sort()).toEqual(['a b; $(touch x) `y`', 'warned']);
  });

  it('fails on a nonzero exit with the command and the last stderr lines', async () => {
    const script = 'for (let i = 1; i <= 12; i++) console.error("line " + i); process.exit(3)';
    const error: unknown = await runCli(node, ['-e', script], {
      timeoutMs: 10_000,
      silent: true,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    const message = (error as CliError).message;
    expect(message.startsWith('node exited with code 3:\nline 3\n')).toBe(true);
    expect(message.endsWith('line 12')).toBe(true);
    expect((error as CliError).exitCode).toBe(3);
  });

  it('resolves with the exit code when told to ignore it', async () => {
    const result = await runCli(node, ['-e', 'process.exit(2)'], {
      timeoutMs: 10_000,
      silent: true,
      ignoreReturnCode: true,
    });
    expect(result.exitCode).toBe(2);
  });
});
