import { describe, expect, it } from 'vitest';
import { sumTree } from '../../src/flow/plan-source.js';

describe('sumTree', () => {
  it('counts blobs and their sizes, skipping submodules and trees', () => {
    const listing = [
      '100644 blob 1111111111111111111111111111111111111111     120\tserver.js',
      '100755 blob 2222222222222222222222222222222222222222      30\tbin/run me',
      '160000 commit 3333333333333333333333333333333333333333       -\tvendor/lib',
      '',
    ].join('\0');
    expect(sumTree(listing)).toEqual({ files: 2, bytes: 150 });
  });

  it('is zero for an empty tree', () => {
    expect(sumTree('')).toEqual({ files: 0, bytes: 0 });
  });
});
