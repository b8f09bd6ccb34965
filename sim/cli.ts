// `npm run sim [app-name]`: runs the platform simulator with one app until Ctrl-C, for trying
// the action (or curl) against it by hand.
import { startSimulator } from './index.js';

const appName = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'demo-app';
const verbose = process.argv.includes('--verbose');

const sim = await startSimulator({
  log: verbose ? (line) => console.log(`[sim] ${line}`) : undefined,
});
try {
  const { webUrl } = await sim.heroku.createApp(appName);
  console.log(`Heroku API:   ${sim.herokuApiUrl}  (token: sim-heroku-token)`);
  console.log(`GitHub API:   ${sim.githubApiUrl}  (token: sim-github-token)`);
  console.log(`App ${appName}: ${webUrl}`);
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
