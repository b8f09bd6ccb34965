// A machine's health checks, run for real against its process at their interval, the way
// Fly's flyd runs `config.checks` and `config.services[].checks`.
import http from 'node:http';
import net from 'node:net';
import { parseDuration } from './durations.js';

export type CheckStatus = 'passing' | 'warning' | 'critical';

export interface CheckSpec {
  readonly name: string;
  readonly type: 'http' | 'tcp';
  readonly path: string;
  readonly method: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly gracePeriodMs: number;
}

export interface CheckState {
  readonly name: string;
  status: CheckStatus;
  output: string;
  updatedAt: string;
}

const DEFAULT_INTERVAL_MS = 15_000;
const DEFAULT_TIMEOUT_MS = 2_000;
const MIN_INTERVAL_MS = 50;
/** A check loop ends with its machine; this only caps a machine left running for days. */
const MAX_RUNS_PER_CHECK = 1_000_000;

/** The checks a machine config declares, named like Fly names them. */
export function checksOf(config: Record<string, unknown>): CheckSpec[] {
  const specs: CheckSpec[] = [];
  const topLevel = config.checks;
  if (isRecord(topLevel)) {
    for (const [name, check] of Object.entries(topLevel)) {
      if (isRecord(check)) specs.push(specFrom(name, check));
    }
  }
  const services = Array.isArray(config.services) ? config.services.filter(isRecord) : [];
  services.forEach((service, serviceIndex) => {
    const checks = Array.isArray(service.checks) ? service.checks.filter(isRecord) : [];
    checks.forEach((check) => {
      const type = check.type === 'tcp' ? 'tcp' : 'http';
      const port = typeof check.port === 'number' ? check.port : service.internal_port;
      const name = `servicecheck-${String(serviceIndex).padStart(2, '0')}-${type}-${String(port)}`;
      specs.push(specFrom(name, { ...check, type }));
    });
  });
  return specs;
}

function specFrom(name: string, check: Record<string, unknown>): CheckSpec {
  const duration = (value: unknown, fallback: number): number =>
    parseDuration(typeof value === 'string' || typeof value === 'number' ? value : undefined) ??
    fallback;
  return {
    name,
    type: check.type === 'tcp' ? 'tcp' : 'http',
    path: typeof check.path === 'string' ? check.path : '/',
    method: typeof check.method === 'string' ? check.method.toUpperCase() : 'GET',
    intervalMs: Math.max(MIN_INTERVAL_MS, duration(check.interval, DEFAULT_INTERVAL_MS)),
    timeoutMs: duration(check.timeout, DEFAULT_TIMEOUT_MS),
    gracePeriodMs: duration(check.grace_period, 0),
  };
}

/** Runs a set of checks against a port until stopped. */
export class CheckRunner {
  readonly states: CheckState[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly specs: readonly CheckSpec[],
    private readonly port: number,
    private readonly onChange: () => void,
  ) {
    const now = new Date().toISOString();
    this.states = specs.map((spec) => ({
      name: spec.name,
      status: 'warning',
      output: 'waiting for status update',
      updatedAt: now,
    }));
  }

  start(): void {
    this.specs.forEach((spec, index) => this.schedule(spec, index, spec.gracePeriodMs, 0));
  }

  stop(reason: string): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const now = new Date().toISOString();
    for (const state of this.states) {
      state.status = 'critical';
      state.output = reason;
      state.updatedAt = now;
    }
  }

  private schedule(spec: CheckSpec, index: number, delayMs: number, runs: number): void {
    if (this.stopped || runs >= MAX_RUNS_PER_CHECK) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.runOnce(spec, index).then(() =>
        this.schedule(spec, index, spec.intervalMs, runs + 1),
      );
    }, delayMs);
    this.timers.add(timer);
  }

  private async runOnce(spec: CheckSpec, index: number): Promise<void> {
    const result =
      spec.type === 'tcp'
        ? await tcpCheck(this.port, spec.timeoutMs)
        : await httpCheck(this.port, spec, spec.timeoutMs);
    const state = this.states[index];
    if (this.stopped || !state) return;
    const changed = state.status !== result.status;
    state.status = result.status;
    state.output = result.output;
    state.updatedAt = new Date().toISOString();
    if (changed) this.onChange();
  }
}

interface CheckResult {
  readonly status: CheckStatus;
  readonly output: string;
}

function httpCheck(port: number, spec: CheckSpec, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: spec.path, method: spec.method, timeout: timeoutMs },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (body.length < 200) body += chunk;
        });
        response.on('end', () => {
          const code = response.statusCode ?? 0;
          const status = code >= 200 && code < 300 ? 'passing' : 'critical';
          const output = `${spec.method} ${spec.path}: ${code} ${response.statusMessage ?? ''}`;
          resolve({ status, output: `${output.trim()} Output: ${JSON.stringify(body.trim())}` });
        });
        response.on('error', (error) => resolve({ status: 'critical', output: error.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs}ms`)));
    request.on('error', (error) =>
      resolve({ status: 'critical', output: `${spec.method} ${spec.path}: ${error.message}` }),
    );
    request.end();
  });
}

function tcpCheck(port: number, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const finish = (result: CheckResult): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish({ status: 'critical', output: 'timed out' }));
    socket.once('connect', () => finish({ status: 'passing', output: 'Success' }));
    socket.once('error', (error) => finish({ status: 'critical', output: error.message }));
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
