// An app's port comes from below the kernel's ephemeral range: outgoing connections take their
// local ports from that range, and one took an app's port before the app bound it.
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../sim/router/dyno.js';

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range that an app can bind', async () => {
    const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
    const low = Number(range.trim().split(/\s+/)[0]) || 49_152;
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(port).toBeLessThan(low);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
