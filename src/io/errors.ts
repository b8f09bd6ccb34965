// One place that narrows `unknown` errors, and the error types the action raises on purpose.

/** The message of anything thrown, without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** The first line of a message: annotations and `cause` are one line; details go to the log. */
export function firstLine(message: string): string {
  return message.split(/\r?\n/, 1)[0]?.trim() ?? '';
}

/** A bad `with:` value, found before any side effect. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`Input '${input}': ${message}`);
  }
}

/** An HTTP answer that is not a success, with the platform's own error id and message. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly errorId: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** A 401/403 from a platform API, re-worded to say what to fix; anything else unchanged. */
export function withTokenHint(
  error: unknown,
  hints: { readonly refused: string; readonly forbidden: string },
): unknown {
  if (!(error instanceof HttpError) || (error.status !== 401 && error.status !== 403)) {
    return error;
  }
  const what = error.status === 401 ? hints.refused : hints.forbidden;
  return new HttpError(
    error.method,
    error.url,
    error.status,
    error.errorId,
    `${what}. ${error.message}`,
  );
}

/** The last lines a build, a release phase or a CLI printed, for the summary's folds. */
export interface OutputTail {
  readonly title: string;
  readonly lines: readonly string[];
}

/** A step of the deploy failed; `liveChanged` says whether the platform may now serve
 * something other than the release that was live before; `output` what it printed last;
 * `neverLive` a release the step made that never went live (a failed release phase). */
export class DeployError extends Error {
  override readonly name = 'DeployError';
  constructor(
    message: string,
    readonly liveChanged: boolean,
    readonly output?: OutputTail,
    readonly neverLive?: { readonly id: string; readonly label: string },
  ) {
    super(message);
  }
}

/** Every bad input at once, so a user fixes them in one go. */
export class InvalidInputs extends Error {
  override readonly name = 'InvalidInputs';
  constructor(readonly problems: readonly InputError[]) {
    super(problems.map((problem) => problem.message).join('; '));
  }
}

/** The job was cancelled: main stops here and leaves the rollback to the post step. */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
}
