// What each measure hands back to bench/index.ts.
import type { BenchResult } from './stats.js';

export interface Section {
  readonly title: string;
  readonly results: BenchResult[];
  /** Extra lines printed under the section's rows (a small table, caveats). */
  readonly notes?: readonly string[];
}
