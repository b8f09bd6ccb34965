// What the main step logged while judging the new release.

/** The number of health polls in the first "Health of …" group of a step's stdout. */
export function pollsOf(stdout: string): number {
  const group = stdout.split('::group::Health of ')[1] ?? '';
  return (group.split('::endgroup::')[0]?.match(/^poll \d+:/gm) ?? []).length;
}
