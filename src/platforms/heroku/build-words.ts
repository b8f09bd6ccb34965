// How the Heroku adapter words a wait that ran out and a failed build.

export function stillPending(what: string, timeoutMs: number): Error {
  return new Error(`Heroku ${what} was still pending after ${Math.round(timeoutMs / 1000)} s`);
}

/** A failed build's own words: the lines Heroku buildpacks mark as errors with ` !`
 * (e.g. ` !     Push rejected, failed to compile Python app.` in heroku-buildpack-python's
 * spec outputs), the last few, on one line. */
export function failingLines(tail: readonly string[]): string {
  const marked = tail
    .filter((line) => /^\s*!/.test(line))
    .map((line) => line.replace(/^\s*!\s*/, '').trim())
    .filter((line) => line !== '');
  return marked.slice(-3).join(' ');
}
