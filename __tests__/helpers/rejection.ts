// What a promise rejected with, for tests that look at the error itself.
import { DeployError } from '../../src/io/errors.js';

/** The error `promise` rejected with; fails the test when it resolved or threw a non-Error. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error(`not an Error: ${String(error)}`);
  return error;
}

/** The DeployError `promise` rejected with. */
export async function deployError(promise: Promise<unknown>): Promise<DeployError> {
  const error = await rejection(promise);
  if (!(error instanceof DeployError)) throw new Error(`expected a DeployError: ${String(error)}`);
  return error;
}
