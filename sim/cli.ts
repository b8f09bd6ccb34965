// `npm run sim [app-name] [--verbose] [--write-env FILE]`: runs the platform simulator with
// one Heroku app until Ctrl-C or SIGTERM, for trying the action (or curl) against it by hand,
// or from a CI job that starts it in the background (ci.yml's test-action job).
// --write-env FILE: once everything listens, writes NAME=value lines (the GITHUB_ENV format)
// with the URLs, tokens, app and pid, all at once: whoever started it waits for the file.
// (Not --env-file: tsx would take that for Node's own option.)
import { rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_FLY_TOKEN, startSimulator } from './index.js';

const HEROKU_TOKEN = 'sim-heroku-token';
const GITHUB_TOKEN = 'sim-github-token';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    verbose: { type: 'boolean', default: false },
    'write-env': { type: 'string' },
  },
});
const appName = positionals[0] ?? 'demo-app';

const sim = await startSimulator({
  herokuToken: HEROKU_TOKEN,
  githubToken: GITHUB_TOKEN,
  log: values.verbose ? (line) => console.log(`[sim] ${line}`) : undefined,
});
try {
  const { webUrl } = await sim.heroku.createApp(appName);
  console.log(`Heroku API:   ${sim.herokuApiUrl}  (token: ${HEROKU_TOKEN})`);
  console.log(`GitHub API:   ${sim.githubApiUrl}  (token: ${GITHUB_TOKEN})`);
  console.log(`Fly API:      ${sim.flyApiUrl}`);
  console.log(`App ${appName}: ${webUrl}`);
  const envFile = values['write-env'];
  if (envFile !== undefined) {
    const lines = {
      SIM_HEROKU_API_URL: sim.herokuApiUrl,
      SIM_HEROKU_TOKEN: HEROKU_TOKEN,
      SIM_GITHUB_API_URL: sim.githubApiUrl,
      SIM_GITHUB_TOKEN: GITHUB_TOKEN,
      SIM_FLY_API_URL: sim.flyApiUrl,
      SIM_FLY_TOKEN: DEFAULT_FLY_TOKEN,
      SIM_APP: appName,
      SIM_APP_URL: webUrl,
      SIM_PID: String(process.pid),
    };
    const text = Object.entries(lines).map(([name, value]) => `${name}=${value}\n`);
    // Written aside, then renamed: whoever waits for the file never reads half of it.
    await writeFile(`${envFile}.partial`, text.join(''));
    await rename(`${envFile}.partial`, envFile);
    console.log(`Wrote ${envFile}`);
  }
  console.log('Press Ctrl-C to stop.');
} catch (error) {
  await sim.stop();
  throw error;
}

let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the simulator...`);
  void sim.stop().then(() => process.exit(0));
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
