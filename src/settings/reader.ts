// Reads inputs and collects every problem, so all bad inputs are reported at once.
import { InputError } from '../io/errors.js';
import type { InputName } from './names.js';

export class InputReader {
  readonly problems: InputError[] = [];

  constructor(private readonly get: (name: InputName) => string) {}

  raw(input: InputName): string {
    return this.get(input);
  }

  /** Records a problem with the input, its value and what is allowed. */
  fail(input: InputName, value: string, problem: string): void {
    this.problems.push(new InputError(input, `${quote(value)} ${problem}`));
  }

  /** A problem about an input whose value must not be quoted (a token). */
  failUnquoted(input: InputName, problem: string): void {
    this.problems.push(new InputError(input, problem));
  }

  /** Reads and parses an input; a parser returns the value or a problem string, and a problem
   * is collected (the fallback keeps the rest of the checks going). */
  parsed<T>(input: InputName, parse: (value: string) => T | string, fallback: T): T {
    const value = this.get(input);
    const result = parse(value);
    if (typeof result !== 'string') return result;
    this.fail(input, value, result);
    return fallback;
  }

  /** The same for an input that may be empty: empty means undefined. */
  optional<T>(input: InputName, parse: (value: string) => T | string): T | undefined {
    return this.get(input) === '' ? undefined : this.parsed<T | undefined>(input, parse, undefined);
  }
}

const MAX_QUOTED_CHARS = 200;

/** The value as JSON (control characters escaped, so it stays one line), cut when long. */
function quote(value: string): string {
  const shown = value.length > MAX_QUOTED_CHARS ? `${value.slice(0, MAX_QUOTED_CHARS)}…` : value;
  return JSON.stringify(shown);
}
