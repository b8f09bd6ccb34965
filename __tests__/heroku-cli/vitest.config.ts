import { defineConfig } from 'vitest/config';

// The official Heroku CLI as a second client of the simulator: its own lane
// (`npm run test:heroku-cli`), so `npm test` never installs the CLI.
export default defineConfig({
  test: {
    include: ['__tests__/heroku-cli/**/*.lane.ts'],
    globalSetup: ['__tests__/heroku-cli/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
