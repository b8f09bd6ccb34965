// The release flyctl made, read from the machines when flyctl printed no release line (a flyctl
// older than v0.4.56 prints none): only machines that carry this deploy's build count, so an
// exit 0 that changed nothing is never taken for a release.
import type { Release } from '../platform.js';
import { releaseOf, sameImage } from './machine.js';
import type { FlyMachine, ReleaseHint } from './machine.js';

export type ReadRelease =
  | { readonly release: Release; readonly problem?: undefined }
  | { readonly release?: undefined; readonly problem: string };

/**
 * The machines of this deploy: the build's `--image-label` as their tag, or its commit as the
 * `GH_SHA` label flyctl adds inside GitHub Actions (deploy_build.go), or the `--image` given.
 * None, or every machine still on the image it had before: flyctl changed nothing.
 */
export function releaseFromMachines(
  machines: readonly FlyMachine[],
  before: readonly FlyMachine[],
  hint: ReleaseHint,
  image: string | undefined,
): ReadRelease {
  const ours = machines.filter(
    (machine) =>
      (hint.imageLabel !== undefined && machine.tag === hint.imageLabel) ||
      machine.labels.GH_SHA === hint.commit ||
      (image !== undefined && machine.configImage === image),
  );
  const unchanged = machines.every((machine) => {
    const old = before.find((item) => item.id === machine.id);
    return old !== undefined && sameImage(machine, old);
  });
  if (ours.length === 0 || (unchanged && before.length > 0)) {
    return {
      problem:
        'flyctl exited 0 but changed nothing: no machine runs this build ' +
        `(${hint.imageLabel ?? image ?? hint.commit.slice(0, 12)}), and it printed no release line`,
    };
  }
  return { release: releaseOf(ours) };
}
