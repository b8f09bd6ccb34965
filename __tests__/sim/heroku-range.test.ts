// Heroku's Range / Next-Range pagination rules, on plain data.
import { describe, expect, it } from 'vitest';
import { InvalidRangeError, paginate, parseRange } from '../../sim/heroku/range.js';
import type { Page } from '../../sim/heroku/range.js';

const releases = Array.from({ length: 12 }, (_, i) => ({ id: `id-${100 + i}`, version: i + 1 }));
const key = (item: { id: string; version: number }, field: string): string | number =>
  field === 'version' ? item.version : item.id;

describe('parseRange', () => {
  it('reads field, bounds and options the way Heroku clients send them', () => {
    expect(parseRange('version ..; max=10, order=desc', ['id', 'version'])).toEqual({
      field: 'version',
      start: undefined,
      startExclusive: false,
      end: undefined,
      max: 10,
      order: 'desc',
    });
    expect(parseRange('version ]7..; max=5, order=desc', ['id', 'version'])).toMatchObject({
      start: '7',
      startExclusive: true,
    });
    expect(parseRange('id ..; max=10;', ['id', 'version'])).toMatchObject({ field: 'id', max: 10 });
  });

  it('refuses an end-only range, which Heroku no longer supports', () => {
    expect(() => parseRange('version ..41; max=20, order=desc', ['version'])).toThrow(
      InvalidRangeError,
    );
  });

  it('defaults to the first field, ascending, 200 per page, and caps max at 1000', () => {
    expect(parseRange(undefined, ['id', 'version'])).toMatchObject({
      field: 'id',
      max: 200,
      order: 'asc',
    });
    expect(parseRange('version ..; max=5000', ['id', 'version']).max).toBe(1000);
  });

  it('rejects unknown fields and options', () => {
    expect(() => parseRange('name ..', ['id', 'version'])).toThrow(InvalidRangeError);
    expect(() => parseRange('version ..; limit=3', ['id', 'version'])).toThrow(InvalidRangeError);
  });
});

describe('paginate', () => {
  it('walks every item exactly once by following Next-Range, newest first', () => {
    const seen: number[] = [];
    let header: string | undefined = 'version ..; max=5, order=desc';
    for (let pageCount = 0; header !== undefined; pageCount += 1) {
      expect(pageCount).toBeLessThan(5);
      const page: Page<(typeof releases)[number]> = paginate(
        releases,
        parseRange(header, ['id', 'version']),
        key,
      );
      seen.push(...page.items.map((item) => item.version));
      header = page.nextRange;
    }
    expect(seen).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('names the last item of the page, exclusive, in Next-Range', () => {
    const page = paginate(releases, parseRange('version ..; max=5', ['id', 'version']), key);
    expect(page.items.map((item) => item.version)).toEqual([1, 2, 3, 4, 5]);
    expect(page.nextRange).toBe('version ]5..; max=5, order=asc');
  });

  it('has no Next-Range when everything fits', () => {
    const page = paginate(releases, parseRange('version 3..4', ['id', 'version']), key);
    expect(page.items.map((item) => item.version)).toEqual([3, 4]);
    expect(page.nextRange).toBeUndefined();
  });
});
