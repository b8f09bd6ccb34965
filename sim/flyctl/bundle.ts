// The flyctl stand-in compiled once into one file: run through tsx, each invocation spent about
// half a second of CPU compiling TypeScript, and the suites run flyctl a few hundred times.
// esbuild (a dev dependency; tsx and vite already use the same version) bundles our sources
// and leaves packages such as `tar` to node_modules. `./flyctl` runs the bundle when it is newer
// than every .ts file of sim/ and src/, and falls back to tsx otherwise, so an edit is never
// run stale.
import { readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
/** Where `./flyctl` looks for it (inside the repository, ignored by git). */
export const FLYCTL_BUNDLE = path.join(root, '.cache', 'flyctl', 'main.mjs');

async function newestSourceMs(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const info = await stat(path.join(entry.parentPath, entry.name));
    newest = Math.max(newest, info.mtimeMs);
  }
  return newest;
}

async function bundleIsFresh(): Promise<boolean> {
  const built = await stat(FLYCTL_BUNDLE).catch(() => undefined);
  if (built === undefined) return false;
  const sources = await Promise.all(
    ['sim', 'src'].map((dir) => newestSourceMs(path.join(root, dir))),
  );
  return Math.max(...sources) < built.mtimeMs;
}

async function buildBundle(): Promise<void> {
  if (await bundleIsFresh()) return;
  // Workers build at once: each writes its own file and renames it over the bundle.
  const temporary = `${FLYCTL_BUNDLE}.${process.pid}.tmp.mjs`;
  await build({
    entryPoints: [path.join(here, 'main.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  await rename(temporary, FLYCTL_BUNDLE);
}

let building: Promise<void> | undefined;

/** Builds the bundle unless a fresh one is there; once per process. */
export function ensureFlyctlBundle(): Promise<void> {
  building ??= buildBundle();
  return building;
}
