// Which release `mode: rollback` without `to-release` picks, and the release readings that
// never fail on what the action does not need.
import { describe, expect, it } from 'vitest';
import { readContent, readStatus } from '../../src/platforms/heroku/release-fields.js';
import { pickRollbackTarget } from '../../src/platforms/heroku/rollback-target.js';
import type { ReleaseCandidate } from '../../src/platforms/heroku/rollback-target.js';

type Row = [number, string | undefined, string | undefined, boolean | undefined];

/** Releases newest first from rows [version, status, content, eligible]; the first is live. */
function history(rows: readonly Row[]): { live: ReleaseCandidate; older: ReleaseCandidate[] } {
  const all = rows.map(([version, status, content, eligible], index) => ({
    id: `rel-${version}`,
    version,
    status,
    current: index === 0,
    content,
    eligibleForRollback: eligible,
  }));
  const [live, ...older] = all;
  if (live === undefined) throw new Error('empty history');
  return { live, older };
}

/** What `heroku rollback` (no version) picks: the second release marked eligible among the
 * ten newest (heroku/cli src/lib/releases/releases.ts, findByPreviousOrId). */
function cliPick(rows: readonly Row[]): number | undefined {
  return rows.slice(0, 10).filter(([, , , eligible]) => eligible === true)[1]?.[0];
}

describe('pickRollbackTarget', () => {
  const cases: Array<{ name: string; rows: Row[]; want: number | undefined }> = [
    {
      name: 'the release before the live one',
      rows: [
        [5, 'succeeded', 'slug-e', true],
        [4, 'succeeded', 'slug-d', true],
      ],
      want: 4,
    },
    {
      name: 'past a failed release right before the live one',
      rows: [
        [6, 'succeeded', 'slug-f', true],
        [5, 'failed', 'slug-e', false],
        [4, 'succeeded', 'slug-d', true],
      ],
      want: 4,
    },
    {
      name: 'past pending and expired releases',
      rows: [
        [7, 'succeeded', 'slug-g', true],
        [6, 'pending', 'slug-f', false],
        [5, 'expired', 'slug-e', false],
        [4, 'succeeded', 'slug-d', true],
      ],
      want: 4,
    },
    {
      name: 'past a release Heroku marks not eligible',
      rows: [
        [5, 'succeeded', 'slug-e', true],
        [4, 'succeeded', 'slug-d', false],
        [3, 'succeeded', 'slug-c', true],
      ],
      want: 3,
    },
    {
      name: 'past one with the same slug as the live one (the live one is a rollback)',
      rows: [
        [5, 'succeeded', 'slug-c', true],
        [4, 'succeeded', 'slug-c', true],
        [3, 'succeeded', 'slug-b', true],
      ],
      want: 3,
    },
    {
      name: 'a Fir release, known by its image',
      rows: [
        [3, 'succeeded', 'image-b', true],
        [2, 'succeeded', 'image-a', true],
      ],
      want: 2,
    },
    {
      name: 'nothing when only the slugless initial release is older',
      rows: [
        [2, 'succeeded', 'slug-a', true],
        [1, 'succeeded', undefined, false],
      ],
      want: undefined,
    },
  ];
  for (const { name, rows, want } of cases) {
    it(`picks ${name}`, () => {
      const { live, older } = history(rows);
      expect(pickRollbackTarget(older, live)?.version).toBe(want);
    });
  }

  it('picks what `heroku rollback` picks for histories without repeated slugs', () => {
    for (const { rows } of cases.filter((c) => !c.name.includes('same slug'))) {
      const { live, older } = history(rows);
      expect(pickRollbackTarget(older, live)?.version).toBe(cliPick(rows));
    }
  });

  it('falls back to the status where the API sends no eligible_for_rollback', () => {
    const { live, older } = history([
      [4, 'succeeded', 'slug-d', undefined],
      [3, 'failed', 'slug-c', undefined],
      [2, 'succeeded', 'slug-b', undefined],
    ]);
    expect(pickRollbackTarget(older, live)?.version).toBe(2);
  });
});

describe('release readings', () => {
  it('reads every status, an unknown one as other, never throwing', () => {
    expect(
      ['pending', 'succeeded', 'failed', 'expired', 'archived', 7, undefined].map(readStatus),
    ).toEqual(['pending', 'succeeded', 'failed', 'expired', 'other', 'other', undefined]);
  });

  it('reads the slug, else the image artifact of a Fir release', () => {
    expect(readContent({ slug: { id: 'slug-1' } })).toBe('slug-1');
    const fir = { slug: null, artifacts: [{ type: 'oci-image', id: 'image-1' }] };
    expect(readContent(fir as never)).toBe('image-1');
    expect(readContent({ slug: null })).toBeUndefined();
  });
});
