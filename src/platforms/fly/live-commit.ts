// Which commit the live Fly release runs: the `GH_SHA` image label flyctl sets on images it
// builds in GitHub Actions, shown by the Machines API in `image_ref.labels`. Only when every
// app machine carries the same one: a mixed app is not "already live".
export function commitOfMachines(
  machines: ReadonlyArray<{ readonly labels: Readonly<Record<string, string>> }>,
): string | undefined {
  const shas = new Set(machines.map((machine) => machine.labels.GH_SHA ?? ''));
  const [only] = [...shas];
  return machines.length > 0 && shas.size === 1 && only !== '' ? only : undefined;
}
