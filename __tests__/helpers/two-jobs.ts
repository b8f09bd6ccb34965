// Two deploy jobs of one app in flight at once: the second starts as soon as the first one's
// log shows its push under way (readiness, never a fixed sleep).

export async function secondWhileFirstPushes<T>(
  runFirst: (onLine: (line: string) => void) => Promise<T>,
  pushing: RegExp,
  runSecond: () => Promise<T>,
): Promise<[T, T]> {
  let seen: () => void = () => undefined;
  const firstPushing = new Promise<void>((resolve) => (seen = resolve));
  const first = runFirst((line) => {
    if (pushing.test(line)) seen();
  });
  // Never hangs: a first job that ends without pushing starts the second one too.
  const second = Promise.race([firstPushing, first.then(() => undefined)]).then(runSecond);
  return Promise.all([first, second]);
}
