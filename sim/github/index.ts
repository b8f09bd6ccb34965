// A local stand-in for api.github.com: the workflow-jobs and deployments endpoints the action
// uses, with GitHub's auth, permission, pagination and rate-limit behaviour, checked against
// GitHub's OpenAPI description on every request.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultHooks, RecordedRequest, RunKey, SimJob } from '../types.js';
import { Deployments } from './deployments.js';
import { FaultList } from './faults.js';
import { RateLimit } from './rate-limit.js';
import { githubRoutes } from './routes.js';
import type { Permission } from './routes.js';
import { loadGitHubContract } from './openapi.js';
import { handleGitHubRequest } from './server.js';
import { WorkflowJobs } from './workflow-jobs.js';

export { simulatedHeadSha } from './workflow-jobs.js';

export interface GitHubSimHandle {
  /** 'http://127.0.0.1:<port>' (no trailing slash). */
  readonly url: string;
  readonly control: GitHubSim;
  /** In arrival order; `status` is filled in when the answer is sent. */
  readonly requests: RecordedRequest[];
  /** OpenAPI contract violations (requests & responses). */
  readonly violations: string[];
  stop(): Promise<void>;
}

export interface GitHubSim extends FaultHooks {
  /** The jobs of one attempt of a workflow run, in order. */
  setJobs(run: RunKey, jobs: readonly SimJob[]): void;
  /** Make every request needing this permission answer 403 like a GITHUB_TOKEN without it. */
  denyPermission(permission: 'actions' | 'deployments'): void;
  /** Deployments created through the API, with their statuses, for assertions. */
  deployments(
    owner: string,
    repo: string,
  ): ReadonlyArray<{
    id: number;
    ref: string;
    environment: string;
    payload: unknown;
    statuses: ReadonlyArray<{
      state: string;
      environment_url?: string;
      log_url?: string;
      description?: string;
    }>;
  }>;
}

export async function startGitHubSim(opts: {
  token: string;
  onRequest?: (r: RecordedRequest) => void;
}): Promise<GitHubSimHandle> {
  const jobs = new WorkflowJobs();
  const deployments = new Deployments();
  const faults = new FaultList();
  const denied = new Set<Permission>();
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let url = '';

  const state = {
    token: opts.token,
    routes: githubRoutes(jobs, deployments),
    faults,
    denied,
    rateLimit: new RateLimit(),
    requests,
    violations,
    onRequest: opts.onRequest,
    baseUrl: () => url,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
  };
  // Loaded before the first request: building the extract (or reading it) blocks this
  // process for a while, and inside a request it stalled every lane of the process past its
  // clients' timeouts.
  await loadGitHubContract(state.routes.map((route) => `${route.method} ${route.template}`));
  const server = createServer((req, res) => {
    handleGitHubRequest(state, req, res).catch((error: unknown) => {
      // A simulator bug must fail the test that hit it, not hang the client.
      violations.push(`simulator error: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Server Error', status: '500' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const control: GitHubSim = {
    setJobs: (run, list) => jobs.set(run, list),
    denyPermission: (permission) => denied.add(permission),
    deployments: (owner, repo) =>
      deployments
        .list(owner, repo)
        .reverse()
        .map((d) => ({
          id: d.id,
          ref: d.ref,
          environment: d.environment,
          payload: d.payload,
          statuses: d.statuses.map((s) => ({
            state: s.state,
            ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
            ...(s.logUrl ? { log_url: s.logUrl } : {}),
            ...(s.description ? { description: s.description } : {}),
          })),
        })),
    inject: (fault) => faults.inject(fault),
    clear: () => faults.clear(),
  };

  return {
    url,
    control,
    requests,
    violations,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
