// The Fly Machines API calls the platform makes, paced like Fly's limits ask (about one request
// per second per machine and action, burst 3), with leases, waits and the app-level reads.

import { randomUUID } from 'node:crypto';
import { HttpError } from '../../io/errors.js';
import type { HttpClient } from '../../io/http.js';
import { callWithTokenHints, withAppNotFound } from '../kit/api-client.js';
import type { ApiCall } from '../kit/api-client.js';
import { asRecord, parseMachine, parseMachineList } from './machine.js';
import type { FlyMachine } from './machine.js';

export interface FlyApiTiming {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Attempts to take a lease someone else holds (409), and the wait between them. */
  readonly leaseAttempts: number;
  readonly leaseRetryMs: number;
  /** `timeout` of one wait request, in seconds; Fly allows up to 60. */
  readonly waitRequestSeconds: number;
}

/** A config as the versions endpoint lists it. */
export interface MachineVersion {
  readonly version: string;
  readonly config: Readonly<Record<string, unknown>>;
}

const burst = 3;
const refillMs = 1_000;

/** Token buckets keyed by machine and action. */
class Pacer {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly timing: FlyApiTiming) {}

  async take(key: string): Promise<void> {
    const now = this.timing.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    const tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / refillMs);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return;
    }
    const waitMs = Math.ceil((1 - tokens) * refillMs);
    this.buckets.set(key, { tokens: 0, at: now + waitMs });
    await this.timing.sleep(waitMs);
  }
}

export class FlyApi {
  private readonly pacer: Pacer;
  private readonly appPath: string;
  /** Names this client's leases, so one whose grant answer was lost can be taken back. */
  private readonly leaseDescription = `guarded-deploy rollback ${randomUUID().slice(0, 8)}`;
  /** Machines whose lease request failed without saying whether the lease was granted. */
  private readonly uncertainLeases = new Set<string>();
  /** Nonces of the leases this client was granted and has not given back (a release or a
   * destroy that failed): a later attempt goes on with them instead of waiting on itself. */
  private readonly heldLeases = new Map<string, string>();

  /** Every call: a refused token gets a message that says what to fix. */
  private readonly call: ApiCall;

  constructor(
    readonly client: HttpClient,
    readonly app: string,
    private readonly timing: FlyApiTiming,
  ) {
    this.call = callWithTokenHints(client, {
      refused: 'The Fly Machines API refused the token: check the `api-token` secret',
      forbidden: `The token has no access to this on ${app}: use a deploy token of the app`,
    });
    this.pacer = new Pacer(timing);
    this.appPath = `/v1/apps/${encodeURIComponent(app)}`;
  }

  /** Fails with a message saying the app does not exist when Fly answers 404. */
  async requireApp(): Promise<void> {
    try {
      await this.call('GET', this.appPath);
    } catch (error) {
      throw withAppNotFound(
        error,
        `Fly app '${this.app}' not found: check the \`app\` input; this action never creates ` +
          'apps, so run `fly launch` or `fly apps create` once first.',
      );
    }
  }

  async listMachines(): Promise<FlyMachine[]> {
    return parseMachineList((await this.call('GET', `${this.appPath}/machines`)).body);
  }

  async getMachine(id: string): Promise<FlyMachine> {
    await this.pacer.take(`${id}:get`);
    return parseMachine((await this.call('GET', this.machinePath(id))).body);
  }

  /** Takes the machine's lease, waiting a little while someone else holds it; the nonce. */
  async lease(id: string, ttlSeconds: number): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      await this.pacer.take(`${id}:lease`);
      try {
        const response = await this.call('POST', `${this.machinePath(id)}/lease`, {
          body: { ttl: ttlSeconds, description: this.leaseDescription },
        });
        const nonce = leaseNonce(response.body, id);
        this.heldLeases.set(id, nonce);
        return nonce;
      } catch (error) {
        const held = error instanceof HttpError && error.status === 409;
        if (!held) {
          if (!(error instanceof HttpError) || error.status < 400 || error.status >= 500) {
            this.uncertainLeases.add(id);
          }
          throw error;
        }
        // Held by us when an earlier grant's answer was lost (timeout, garbled body).
        const own =
          this.heldLeases.get(id) ??
          (this.uncertainLeases.has(id) ? await this.ownLeaseNonce(id) : undefined);
        if (own !== undefined) return own;
        if (attempt >= this.timing.leaseAttempts) {
          throw new Error(
            `machine ${id} is leased by someone else (another deploy or \`fly\` command?); ` +
              `still held after ${attempt} attempts`,
          );
        }
        await this.timing.sleep(this.timing.leaseRetryMs);
      }
    }
  }

  async releaseLease(id: string, nonce: string): Promise<void> {
    await this.pacer.take(`${id}:lease`);
    await this.call('DELETE', `${this.machinePath(id)}/lease`, {
      headers: { 'fly-machine-lease-nonce': nonce },
    });
    this.heldLeases.delete(id);
  }

  /** Replaces the machine's whole config (Fly does not merge); the machine as answered. */
  async update(
    id: string,
    config: Readonly<Record<string, unknown>>,
    nonce: string,
    skipLaunch = false,
  ): Promise<FlyMachine> {
    await this.pacer.take(`${id}:update`);
    const response = await this.call('POST', this.machinePath(id), {
      // skip_launch: updated but left stopped, as flyctl does with a machine not running.
      body: skipLaunch ? { config, skip_launch: true } : { config },
      headers: { 'fly-machine-lease-nonce': nonce },
    });
    return parseMachine(response.body);
  }

  async create(config: Readonly<Record<string, unknown>>, region: string): Promise<FlyMachine> {
    const response = await this.call('POST', `${this.appPath}/machines`, {
      body: { config, region },
    });
    return parseMachine(response.body);
  }

  /** Destroys a machine, stopping it if it runs; one already gone counts as destroyed. */
  async destroy(id: string, nonce: string): Promise<void> {
    await this.pacer.take(`${id}:destroy`);
    try {
      await this.call('DELETE', `${this.machinePath(id)}?force=true`, {
        headers: { 'fly-machine-lease-nonce': nonce },
      });
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 404)) throw error;
    }
    this.heldLeases.delete(id);
  }

  /** Waits until the machine's `instanceId` is started; Fly answers 408 when its own wait
   * ran out, so that repeats until `deadline` (clock of `timing.now`). */
  async waitStarted(id: string, instanceId: string, deadline: number): Promise<void> {
    await this.waitState(id, instanceId, ['started'], deadline);
  }

  /** Like `waitStarted`, for any of `states` (the wait takes them repeated). */
  async waitState(
    id: string,
    instanceId: string,
    states: readonly string[],
    deadline: number,
  ): Promise<void> {
    const seconds = this.timing.waitRequestSeconds;
    const query = new URLSearchParams({ version: instanceId, timeout: String(seconds) });
    for (const state of states) query.append('state', state);
    const maxRequests = Math.ceil((deadline - this.timing.now()) / (seconds * 1000)) + 1;
    for (let count = 0; count < Math.max(1, maxRequests); count += 1) {
      await this.pacer.take(`${id}:wait`);
      try {
        await this.call('GET', `${this.machinePath(id)}/wait?${query.toString()}`, {
          timeoutMs: (seconds + 15) * 1000,
        });
        return;
      } catch (error) {
        if (!(error instanceof HttpError && error.status === 408)) throw error;
      }
      if (this.timing.now() >= deadline) break;
    }
    throw new Error(`machine ${id} did not reach '${states.join("' or '")}' in time`);
  }

  /** Earlier configs of a machine, newest first. */
  async versions(id: string): Promise<MachineVersion[]> {
    await this.pacer.take(`${id}:versions`);
    const { body } = await this.call('GET', `${this.machinePath(id)}/versions`);
    if (!Array.isArray(body)) throw new Error('Fly Machines API answered without a version list');
    const versions: MachineVersion[] = [];
    for (const item of body) {
      const entry = asRecord(item);
      const config = asRecord(entry?.user_config);
      if (entry === undefined || config === undefined) continue;
      versions.push({ version: typeof entry.version === 'string' ? entry.version : '', config });
    }
    // Version ids are ULIDs: sorting them sorts by time.
    return versions.sort((a, b) => (a.version < b.version ? 1 : a.version > b.version ? -1 : 0));
  }

  /** The nonce of the lease held on `id` when this client took it, else undefined. */
  private async ownLeaseNonce(id: string): Promise<string | undefined> {
    let body: unknown;
    try {
      ({ body } = await this.call('GET', `${this.machinePath(id)}/lease`));
    } catch {
      return undefined;
    }
    const lease = asRecord(body);
    const data = asRecord(lease?.data) ?? lease;
    const nonce = data?.nonce;
    return data?.description === this.leaseDescription && typeof nonce === 'string' && nonce !== ''
      ? nonce
      : undefined;
  }

  private machinePath(id: string): string {
    return `${this.appPath}/machines/${encodeURIComponent(id)}`;
  }
}

/** Fly has answered leases with the nonce at the top level and wrapped in `data`. */
function leaseNonce(body: unknown, id: string): string {
  const lease = asRecord(body);
  const nonce = lease?.nonce ?? asRecord(lease?.data)?.nonce;
  if (typeof nonce !== 'string' || nonce === '') {
    throw new Error(`Fly Machines API granted the lease of ${id} without a nonce`);
  }
  return nonce;
}
