// Heroku's list pagination: the `Range` request header (`version ..; max=10, order=desc`) and
// the `Next-Range` answer header on a 206.

export interface ListRange {
  readonly field: string;
  readonly start: string | undefined;
  /** `]` before the start value: the start itself is excluded (how Next-Range resumes). */
  readonly startExclusive: boolean;
  readonly end: string | undefined;
  readonly max: number;
  readonly order: 'asc' | 'desc';
}

export const DEFAULT_MAX = 200;
const LIMIT_MAX = 1000;
const SYNTAX = /^\s*([a-z_]+)?\s*(\]?)([^\s.;]*)\.\.([^\s;]*)\s*(?:;(.*))?$/;

export class InvalidRangeError extends Error {}

export function parseRange(header: string | undefined, fields: readonly string[]): ListRange {
  const defaults: ListRange = {
    field: fields[0] ?? 'id',
    start: undefined,
    startExclusive: false,
    end: undefined,
    max: DEFAULT_MAX,
    order: 'asc',
  };
  if (header === undefined || header.trim() === '') return defaults;
  const match = SYNTAX.exec(header);
  if (!match) throw new InvalidRangeError(`Invalid Range header: ${header}`);
  const field = match[1] ?? defaults.field;
  if (!fields.includes(field)) {
    throw new InvalidRangeError(
      `Invalid Range header: ${field} is not one of ${fields.join(', ')}`,
    );
  }
  let { max, order } = defaults;
  for (const option of (match[5] ?? '').split(/[,;]/)) {
    const [key, value] = option.split('=').map((part) => part.trim());
    if (!key) continue;
    if (key === 'max' && value && /^\d+$/.test(value)) max = Math.min(Number(value), LIMIT_MAX);
    else if (key === 'order' && (value === 'asc' || value === 'desc')) order = value;
    else throw new InvalidRangeError(`Invalid Range header option: ${option.trim()}`);
  }
  if (max < 1) throw new InvalidRangeError('Invalid Range header: max must be at least 1');
  // Heroku changelog: ranges with only an end value (`id ..123`) are no longer supported.
  if (!match[3] && match[4]) {
    throw new InvalidRangeError(`Invalid Range header: an end without a start: ${header}`);
  }
  return {
    field,
    start: match[3] || undefined,
    startExclusive: match[2] === ']',
    end: match[4] || undefined,
    max,
    order,
  };
}

export interface Page<T> {
  readonly items: T[];
  /** Set when more items remain: the Range to ask for next. */
  readonly nextRange: string | undefined;
}

/** One page of `items`, ordered and bounded by `range`; `key` reads the range field. */
export function paginate<T>(
  items: readonly T[],
  range: ListRange,
  key: (item: T, field: string) => string | number,
): Page<T> {
  const compare = (a: string | number, b: string | number): number =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  const typed = (raw: string, sample: string | number): string | number =>
    typeof sample === 'number' ? Number(raw) : raw;
  const direction = range.order === 'asc' ? 1 : -1;
  const selected = items
    .filter((item) => {
      const value = key(item, range.field);
      if (range.start !== undefined) {
        const side = direction * compare(value, typed(range.start, value));
        if (side < 0 || (side === 0 && range.startExclusive)) return false;
      }
      if (range.end !== undefined && direction * compare(value, typed(range.end, value)) > 0) {
        return false;
      }
      return true;
    })
    .sort((a, b) => direction * compare(key(a, range.field), key(b, range.field)));
  const pageItems = selected.slice(0, range.max);
  const last = pageItems.at(-1);
  if (selected.length <= range.max || last === undefined) {
    return { items: pageItems, nextRange: undefined };
  }
  const nextRange =
    `${range.field} ]${key(last, range.field)}..${range.end ?? ''}; ` +
    `max=${range.max}, order=${range.order}`;
  return { items: pageItems, nextRange };
}
