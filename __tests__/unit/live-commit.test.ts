import { describe, expect, it } from 'vitest';
import { commitOfMachines } from '../../src/platforms/fly/live-commit.js';
import { commitOfRelease } from '../../src/platforms/heroku/live-commit.js';

const live = { id: 'rel-3', label: 'v3', content: 'slug-b' };

function build(status: string, release: string | null, slug: string, version: string): unknown {
  return {
    status,
    release: release === null ? null : { id: release },
    slug: { id: slug },
    source_blob: { version },
  };
}

describe('commitOfRelease (Heroku)', () => {
  it.each([
    ['the build that released it', [build('succeeded', 'rel-3', 'slug-b', 'abc')], 'abc'],
    [
      'the build of its slug, for a rollback release',
      [build('succeeded', 'rel-1', 'slug-b', 'def')],
      'def',
    ],
    ['not a failed build', [build('failed', 'rel-3', 'slug-b', 'abc')], undefined],
    ['not another slug', [build('succeeded', 'rel-2', 'slug-a', 'abc')], undefined],
    ['not a build without a version', [build('succeeded', 'rel-3', 'slug-b', '')], undefined],
    ['nothing from junk', [null, 'x', 42], undefined],
  ])('%s', (_name, builds, expected) => {
    expect(commitOfRelease(builds, live)).toBe(expected);
  });
});

describe('commitOfMachines (Fly)', () => {
  const on = (sha?: string): { labels: Record<string, string> } => ({
    labels: sha === undefined ? {} : { GH_SHA: sha },
  });
  it.each([
    ['every machine on one commit', [on('abc'), on('abc')], 'abc'],
    ['a mixed app', [on('abc'), on('def')], undefined],
    ['a machine without the label', [on('abc'), on()], undefined],
    ['no machines', [], undefined],
  ])('%s', (_name, machines, expected) => {
    expect(commitOfMachines(machines)).toBe(expected);
  });
});
