import { defineConfig } from 'vitest/config';

// End-to-end tests start real servers and processes; each uses its own ports and temp dirs,
// so files run in parallel on the 2 cores.
export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    // Its JSON imports lack `with { type: 'json' }`; bundled by Vite they load fine.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
