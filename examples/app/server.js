// A tiny web app for trying out guarded-deploy. Its behaviour comes from an optional
// app-config.json next to this file, so each commit can be a healthy or a broken release.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const defaults = {
  version: '1',
  healthStatus: 200,
  healthBody: '{"status":"ok"}',
  startupDelayMs: 0,
  crashAfterMs: null,
  // Exits right after answering this many health checks (a crash that a busy machine
  // cannot delay past the next poll, unlike a timer).
  crashAfterChecks: null,
  flapping: false,
  // Fly: this region's machines turn unhealthy `unhealthyAfterMs` after boot, or after
  // answering `unhealthyAfterChecks` health checks (a count, not a clock: a loaded machine
  // slows both sides alike).
  unhealthyRegion: null,
  unhealthyAfterMs: 0,
  unhealthyAfterChecks: null,
  // Any region: /health turns 500 this long after boot (a release that starts, then breaks).
  breakAfterMs: null,
  // Every /health answer waits this long (a slow release).
  healthDelayMs: 0,
  // Printed once at boot, like an app that logs its settings (or, by mistake, a secret).
  bootLine: null,
};

function loadConfig() {
  try {
    const file = new URL('./app-config.json', import.meta.url);
    return { ...defaults, ...JSON.parse(readFileSync(file, 'utf8')) };
  } catch (error) {
    if (error.code === 'ENOENT') return defaults;
    throw error;
  }
}

const config = loadConfig();
const bootedAt = Date.now();
if (config.bootLine !== null) console.log(config.bootLine);
let healthChecks = 0;

function broken() {
  return config.breakAfterMs !== null && Date.now() - bootedAt >= config.breakAfterMs;
}

function regionUnhealthy() {
  return (
    config.unhealthyRegion !== null &&
    process.env.FLY_REGION === config.unhealthyRegion &&
    Date.now() - bootedAt >= config.unhealthyAfterMs &&
    (config.unhealthyAfterChecks === null || healthChecks > config.unhealthyAfterChecks)
  );
}

const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://localhost').pathname;
  if (path === '/health') {
    healthChecks += 1;
    // Flapping: every second check fails, like an app with an intermittent fault.
    const flapped = config.flapping && healthChecks % 2 === 0;
    const status = flapped || regionUnhealthy() || broken() ? 500 : config.healthStatus;
    if (status >= 500) console.error(`health check failed with ${status}`);
    const type = config.healthBody.startsWith('{') ? 'application/json' : 'text/plain';
    setTimeout(() => {
      res.writeHead(status, { 'content-type': type });
      res.end(config.healthBody, () => {
        if (config.crashAfterChecks !== null && healthChecks >= config.crashAfterChecks) {
          console.error(`version ${config.version} crashing as configured`);
          process.exit(1);
        }
      });
    }, config.healthDelayMs);
  } else if (path === '/version') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${config.version}\n`);
  } else if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`Hello from version ${config.version}\n`);
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found\n');
  }
});

// A slow boot keeps the port closed for a while, like an app loading before it listens.
setTimeout(() => {
  server.listen(Number(process.env.PORT ?? 5000), () => {
    console.log(`version ${config.version} listening on port ${server.address().port}`);
  });
}, config.startupDelayMs);

if (config.crashAfterMs !== null) {
  setTimeout(() => {
    console.error(`version ${config.version} crashing as configured`);
    process.exit(1);
  }, config.crashAfterMs);
}

process.on('SIGTERM', () => server.close(() => process.exit(0)));
