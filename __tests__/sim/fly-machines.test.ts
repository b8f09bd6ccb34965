// Fly machines really run: their checks go passing/critical against the live process, and
// the app's fly-proxy balances across healthy machines, skips unhealthy ones, and answers 503
// when none is left.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationFor } from '../../sim/fly/token.js';
import { startSimulator } from '../../sim/index.js';
import type { Simulator } from '../../sim/index.js';

// An app whose health each machine can flip, and which says which machine answered.
const SERVER = `import { createServer } from 'node:http';
let healthy = true;
const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(healthy ? 200 : 500);
    res.end(healthy ? 'ok' : 'failing');
  } else if (req.url === '/crash') {
    res.end('bye', () => process.exit(3));
  } else if (req.url === '/fail' || req.url === '/recover') {
    healthy = req.url === '/recover';
    res.end('done');
  } else {
    res.end(process.env.FLY_MACHINE_ID + ' ' + process.env.FLY_REGION);
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;
const FLY_TOML = `app = "balanced"
[http_service]
  internal_port = 3000
[checks]
  [checks.alive]
    type = "http"
    port = 3000
    path = "/health"
    interval = "100ms"
    timeout = "500ms"
`;

let sim: Simulator;
let appDir: string;

function checkStatus(id: string): string | undefined {
  return sim.fly.state('balanced').machines.find((m) => m.id === id)?.checks[0]?.status;
}

async function waitForCheck(id: string, status: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (checkStatus(id) !== status) {
    if (Date.now() > deadline) throw new Error(`check of ${id} never became ${status}`);
    await sleep(50);
  }
}

async function whoAnswers(times: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < times; index += 1) {
    const response = await fetch(sim.fly.publicUrl('balanced'));
    expect(response.status).toBe(200);
    expect(response.headers.get('fly-request-id')).toBeTruthy();
    ids.push((await response.text()).split(' ')[0] ?? '');
  }
  return ids;
}

async function poke(id: string, pathname: string): Promise<void> {
  const port = sim.fly.machinePort('balanced', id);
  await (await fetch(`http://127.0.0.1:${port}${pathname}`)).text();
}

beforeAll(async () => {
  sim = await startSimulator({ flyRateLimit: false });
  appDir = await mkdtemp(path.join(os.tmpdir(), 'fly-machines-test-'));
  await writeFile(path.join(appDir, 'server.mjs'), SERVER);
  await writeFile(path.join(appDir, 'Procfile'), 'web: node server.mjs\n');
  await writeFile(path.join(appDir, 'fly.toml'), FLY_TOML);
  await sim.fly.createApp('balanced', { regions: ['ams', 'fra'], machines: 3 });
  await sim.fly.seedRelease('balanced', appDir);
});

afterAll(async () => {
  await sim?.stop();
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

describe('machines, checks and the proxy', () => {
  it('runs each machine as its own process with FLY_* variables', async () => {
    const { machines } = sim.fly.state('balanced');
    expect(machines.map((m) => m.state)).toEqual(['started', 'started', 'started']);
    for (const machine of machines) {
      const port = sim.fly.machinePort('balanced', machine.id);
      const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(text).toBe(`${machine.id} ${machine.region}`);
    }
  });

  it('balances requests round-robin across every healthy machine', async () => {
    const ids = await whoAnswers(6);
    const all = sim.fly.state('balanced').machines.map((m) => m.id);
    expect(new Set(ids)).toEqual(new Set(all));
    expect(ids.slice(0, 3)).toEqual(ids.slice(3, 6));
  });

  it('turns a check critical for real and routes around that machine', async () => {
    const [sick] = sim.fly.state('balanced').machines;
    if (!sick) throw new Error('no machine');
    await poke(sick.id, '/fail');
    await waitForCheck(sick.id, 'critical');
    const ids = await whoAnswers(9);
    expect(ids).not.toContain(sick.id);
    expect(new Set(ids).size).toBe(2);

    await poke(sick.id, '/recover');
    await waitForCheck(sick.id, 'passing');
    expect(new Set(await whoAnswers(6)).has(sick.id)).toBe(true);
  });

  it('answers 503 when no machine is healthy', async () => {
    const { machines } = sim.fly.state('balanced');
    for (const machine of machines) await poke(machine.id, '/fail');
    for (const machine of machines) await waitForCheck(machine.id, 'critical');
    const response = await fetch(sim.fly.publicUrl('balanced'));
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('no known healthy instances');
    for (const machine of machines) await poke(machine.id, '/recover');
    for (const machine of machines) await waitForCheck(machine.id, 'passing');
  });

  it('restarts a crashed machine process (restart policy on-failure)', async () => {
    const [machine] = sim.fly.state('balanced').machines;
    if (!machine) throw new Error('no machine');
    const port = sim.fly.machinePort('balanced', machine.id);
    await poke(machine.id, '/crash');
    const deadline = Date.now() + 5000;
    while (sim.fly.machinePort('balanced', machine.id) === port && Date.now() < deadline) {
      await sleep(20);
    }
    await waitForCheck(machine.id, 'passing');
    const after = sim.fly.state('balanced').machines[0];
    expect(after?.state).toBe('started');
    expect(after?.instanceId).toBe(machine.instanceId);
    const events = await fetch(`${sim.flyApiUrl}/v1/apps/balanced/machines/${machine.id}/events`, {
      headers: { authorization: authorizationFor(sim.fly.token) },
    });
    const exits = ((await events.json()) as Array<{ type: string; request?: unknown }>).filter(
      (event) => event.type === 'exit',
    );
    expect(exits[0]?.request).toMatchObject({ exit_event: { exit_code: 3 } });
  });
});
