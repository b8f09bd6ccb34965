// dist/index.js against the simulated Heroku: failures before anything new is live.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { GITHUB_TOKEN, HEROKU_TOKEN, type Scenario } from '../../sim/scenario.js';
import { useScenarios } from '../helpers/scenario-hooks.js';
import {
  expectContractKept,
  expectNoSecrets,
  expectReported,
  herokuCalls,
} from '../helpers/assert-run.js';

const scenarios = useScenarios();
let scenario: Scenario;

describe('heroku failures', () => {
  it('a failed build leaves the live release alone', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy({ version: 'nobuild' }, {}, { Procfile: null });
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/build/i);
    expect(await scenario.liveVersion()).toBe('good');
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(0);
    expect(result.summary).toMatch(/still live; nothing changed/);
    expectContractKept(scenario.sim);
  });

  it('a failed release phase was never deployed', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'badrelease' },
      {},
      { Procfile: 'web: node server.js\nrelease: node -e "process.exit(3)"\n' },
    );
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/release phase/i);
    expect(await scenario.liveVersion()).toBe('good');
  });

  it('says the token was refused and pushes nothing', async () => {
    scenario = await scenarios.start();
    const result = await scenario.deploy({ version: 'x' }, { 'api-token': 'wrong-token-123' });
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/refused the token/);
    expectNoSecrets(result, ['wrong-token-123']);
    expect(herokuCalls(scenario.sim, 'POST', /./)).toBe(0);
  });

  it('names a missing app and never creates one', async () => {
    scenario = await scenarios.start();
    const result = await scenario.deploy({ version: 'x' }, { app: 'no-such-app' });
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/no-such-app/);
    expect(herokuCalls(scenario.sim, 'POST', /./)).toBe(0);
  });

  // Read before repeating: a 500 leaves it open whether Heroku made the build, so the builds
  // list is read (twice) for one made from this upload before the POST goes again.
  it('sends a build POST answered 500 again only after the builds show none of it', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    scenario.sim.heroku.inject({ method: 'POST', path: /\/builds$/, status: 500, times: 1 });
    const result = await scenario.deploy({ version: 'x' });
    expectReported(result, 'deployed');
    const calls = scenario.sim.requests
      .filter((r) => r.api === 'heroku' && /\/builds$/.test(r.path))
      .map((r) => r.method);
    expect(calls.slice(calls.indexOf('POST'))).toEqual(['POST', 'GET', 'GET', 'POST']);
    expect(await scenario.liveVersion()).toBe('x');
  });

  it('follows the build a lost answer made, found by its upload, never building twice', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    scenario.sim.heroku.inject({
      method: 'POST',
      path: /\/builds$/,
      reset: true,
      afterHandling: true,
      times: 1,
    });
    const result = await scenario.deploy({ version: 'x' });
    expectReported(result, 'deployed');
    expect(herokuCalls(scenario.sim, 'POST', /\/builds$/)).toBe(1);
    expect(result.stdout).toContain('(found by its upload)');
    expect(await scenario.liveVersion()).toBe('x');
  });
});

describe('health endpoint manners', () => {
  it('never follows a redirect to another host and never sends a token to the app', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const seen: http.IncomingHttpHeaders[] = [];
    const app = http.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(302, { location: 'https://elsewhere.example/health' }).end();
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const port = (app.address() as AddressInfo).port;
      const result = await scenario.deploy(
        { version: 'new' },
        { 'health-url': `http://127.0.0.1:${port}/health` },
      );
      // The rollback is judged by the same URL, so it cannot pass either: red, in capitals.
      expectReported(result, 'failed');
      expect(result.annotations.at(-1)?.message).toMatch(/ROLLBACK TO v\d+ FAILED/);
      expect(result.stdout).toMatch(/redirect to https:\/\/elsewhere\.example\/health/);
      expect(seen.length).toBeGreaterThan(0);
      for (const headers of seen) {
        expect(headers.authorization).toBeUndefined();
        expect(JSON.stringify(headers)).not.toContain(HEROKU_TOKEN);
        expect(JSON.stringify(headers)).not.toContain(GITHUB_TOKEN);
      }
    } finally {
      app.closeAllConnections();
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });
});
