// Whether the live release already runs the artifact a deploy was given: then a re-run only
// verifies it.
import { describe, expect, it } from 'vitest';
import { runsArtifact } from '../../src/flow/artifact.js';

const SLUG = '01234567-89ab-cdef-0123-456789abcdef';
const DIGEST = `sha256:${'cd'.repeat(32)}`;
const OTHER = `sha256:${'ef'.repeat(32)}`;

describe('runsArtifact', () => {
  it.each([
    ['the same slug', { id: 'r-1', label: 'v9', content: SLUG }, SLUG, true],
    ['another slug', { id: 'r-1', label: 'v9', content: 'aaaa' }, SLUG, false],
    [
      'the same digest under another tag',
      { id: `registry.fly.io/prod@${DIGEST}`, label: 'v3' },
      `registry.fly.io/staging:deployment-01H@${DIGEST}`,
      true,
    ],
    [
      'another digest',
      { id: `registry.fly.io/prod@${OTHER}`, label: 'v3' },
      `registry.fly.io/staging:deployment-01H@${DIGEST}`,
      false,
    ],
    [
      'a live image without a digest',
      { id: 'registry.fly.io/prod:deployment-01H', label: 'v3' },
      `registry.fly.io/staging:deployment-01H@${DIGEST}`,
      false,
    ],
  ])('%s: %s', (_title, live, artifact, expected) => {
    expect(runsArtifact(live, artifact)).toBe(expected);
  });
});
