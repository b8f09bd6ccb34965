// Paths from inputs: they must stay inside the checkout (GITHUB_WORKSPACE), after following
// symlinks, so a workflow cannot ship `/` or a sibling checkout by a `../..` or a link.
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** True when `target` is `root` or below it. */
function isWithin(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function realOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Resolves `value` against `base` and checks it stays inside `workspace`: first as written,
 * then (when it exists) with every symlink followed. Returns the absolute path or a problem.
 */
export function insideWorkspace(
  workspace: string,
  base: string,
  value: string,
): { readonly path: string } | { readonly problem: string } {
  const resolved = path.resolve(base, value);
  const root = realOrSelf(path.resolve(workspace));
  if (!isWithin(path.resolve(workspace), resolved) && !isWithin(root, resolved)) {
    return { problem: `resolves to ${resolved}, outside the workspace; give a path inside it` };
  }
  const real = realOrSelf(resolved);
  if (!isWithin(root, real)) {
    return { problem: `resolves through a symlink to ${real}, outside the workspace` };
  }
  return { path: resolved };
}

/** A problem when `dir` is not a readable directory; undefined when it is. */
export function readableDirectoryProblem(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return `is not a directory (${dir})`;
    accessSync(dir, constants.R_OK | constants.X_OK);
    return undefined;
  } catch {
    return `is not a readable directory (${dir})`;
  }
}

/** Finds an executable on PATH; flyctl installs as `flyctl` with a `fly` alias. */
export function findOnPath(names: readonly string[], pathValue: string): string | undefined {
  for (const dir of pathValue.split(path.delimiter).filter((entry) => entry !== '')) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
