// Entry of the flyctl stand-in (run by ./flyctl through tsx): parses the command line, reads
// the token like flyctl (internal/config/config.go: FLY_ACCESS_TOKEN, then FLY_API_TOKEN), talks
// to the Machines API at FLY_FLAPS_BASE_URL (flyctl's override of api.machines.dev) and builds
// against the simulator's registry at FLY_SIM_API_URL.
import { parseArgs, UsageError } from './args.js';
import type { Command } from './args.js';
import { deploy } from './deploy.js';
import { FLYCTL_VERSION } from '../fly/fly-toml.js';

/** What flyctl exits with when interrupted (SIGINT/SIGTERM). */
const INTERRUPTED_EXIT = 127;
/** FLY_SIM_HANG waits for a signal, but not forever. */
const HANG_LIMIT_MS = 60 * 60_000;

function fail(message: string): never {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}

/** The first of the variables set to a non-empty value (flyctl env.First). */
function firstSet(...names: string[]): string {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== '') return value;
  }
  return '';
}

/** flyctl env.IsTruthy: 1, ok, t or true, in any case. */
function isTruthy(value: string | undefined): boolean {
  return ['1', 'ok', 't', 'true'].includes((value ?? '').toLowerCase());
}

function optionalIndex(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) fail(`${name} must be a whole number`);
  return parsed;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`Error: deploy interrupted (${signal})\n`);
    process.exit(INTERRUPTED_EXIT);
  });
}

let command: Command;
try {
  command = parseArgs(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) fail(error.message);
  throw error;
}

if (command.name === 'version') {
  process.stdout.write(`flyctl v${FLYCTL_VERSION} linux/amd64 (guarded-deploy simulator)\n`);
  process.exit(0);
}

const token = firstSet('FLY_ACCESS_TOKEN', 'FLY_API_TOKEN');
if (token.trim() === '') fail("No access token available. Please login with 'flyctl auth login'");
const registryUrl = process.env.FLY_SIM_API_URL;
if (!registryUrl) fail('FLY_SIM_API_URL is not set: the flyctl stand-in needs the simulator');
// Without FLY_FLAPS_BASE_URL the real flyctl would reach api.machines.dev.
const apiUrl = process.env.FLY_FLAPS_BASE_URL;
if (!apiUrl) fail('FLY_FLAPS_BASE_URL is not set: flyctl would call https://api.machines.dev');

if (process.env.FLY_SIM_HANG === '1') {
  process.stdout.write('==> Verifying app config\n');
  // Stays alive until a signal ends it through the handlers above.
  await new Promise((resolve) => setTimeout(resolve, HANG_LIMIT_MS));
  fail('FLY_SIM_HANG: no signal arrived within an hour');
}

try {
  await deploy(
    command.args,
    {
      cwd: process.cwd(),
      apiUrl,
      registryUrl,
      token,
      // GH_SHA only inside GitHub Actions (flyctl deploy_build.go, env.IS_GH_ACTION).
      githubSha: isTruthy(process.env.GITHUB_ACTIONS) ? process.env.GITHUB_SHA : undefined,
      // Any non-empty value (flyctl machines_deploymachinesapp.go).
      emitReleaseJson: (process.env.FLY_EMIT_RELEASE_JSON ?? '') !== '',
      failAfterMachines: optionalIndex('FLY_SIM_FAIL_AFTER_MACHINES'),
      stayOnOldImage: optionalIndex('FLY_SIM_STAY_ON_OLD_IMAGE'),
      changeNothing: process.env.FLY_SIM_CHANGE_NOTHING === '1',
    },
    (line) => process.stdout.write(`${line}\n`),
  );
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
