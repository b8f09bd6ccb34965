// A release that starts and listens but is never healthy: every request answers 500. The
// test-action job of .github/workflows/ci.yml deploys it so the action has to roll it back.
import { createServer } from 'node:http';
import process from 'node:process';

createServer((_req, res) => {
  res.writeHead(500, { 'content-type': 'text/plain' });
  res.end('this release is broken on purpose\n');
}).listen(Number(process.env.PORT ?? 5000));
