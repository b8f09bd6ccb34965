import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Where the long files live, longest first: a long file started last would run alone at the
 * end while the other worker idles. */
const LONG_FIRST = ['/__tests__/faults/', '/__tests__/e2e/'];

class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification): number => {
      const index = LONG_FIRST.findIndex((folder) => file.moduleId.includes(folder));
      return index === -1 ? LONG_FIRST.length : index;
    };
    // Array sort is stable: within a folder the base order (cached durations) stays.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

// End-to-end tests start real servers and processes; each uses its own ports and temp dirs,
// so files run in parallel. Four workers on the 2 cores: most of a test's time is spent
// waiting on health-poll intervals and process boots, not on the CPU.
export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 4,
    sequence: { sequencer: LongFilesFirst },
    // Its JSON imports lack `with { type: 'json' }`; bundled by Vite they load fine.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
