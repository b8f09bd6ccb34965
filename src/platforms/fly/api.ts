// The Fly Machines API calls the platform makes, paced like Fly's limits ask (about one request
// per second per machine and action, burst 3), with leases, waits and the app-level reads.

import { randomUUID } from 'node:crypto';
import { HttpError } from '../../io/errors.js';
import type { HttpClient } from '../../io/http.js';
import { callWithTokenHints, withAppNotFound } from '../kit/api-client.js';
import type { ApiCall } from '../kit/api-client.js';
import { decideLeaseWait } from './lease-wait.js';
import { asRecord, isAppMachine, parseMachine, parseMachineList } from './machine.js';
import type { FlyMachine } from './machine.js';

export interface FlyApiTiming {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Attempts to take a lease someone else holds (409), and the wait between them. */
  readonly leaseAttempts: number;
  readonly leaseRetryMs: number;
  /** The rollback's whole budget, counted from its first attempt (`startRollbackBudget`); a
   * lease someone else holds is waited for out of what is left of it. flyctl holds 13 s on
   * machines it updates in place and its whole --wait-timeout (5 min) on those it creates or
   * replaces, longer when it was interrupted (internal/machine/leasable_machine.go). */
  readonly rollbackBudgetMs: number;
  /** Kept back from that budget for restoring a machine once its lease is taken. */
  readonly leaseReserveMs: number;
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

  /** When the rollback's budget runs out (clock of `timing.now`), once it started. */
  private rollbackEndsAt: number | undefined;

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

  /** App machines someone holds a lease on, each named with the lease's owner, description
   * and end: the list with `include_leases=true` (Machines OpenAPI `Machines_list`, each
   * machine's `lease`: owner, description, expires_at), in one read where fly-go's flaps
   * `FindLease` reads one machine's (GET .../lease, `MachineLease` {status, data}). flyctl
   * leases every machine it rolls out before touching any (deploy plan.go `acquireLeases`). */
  async leasedMachines(): Promise<string[]> {
    const { body } = await this.call('GET', `${this.appPath}/machines?include_leases=true`);
    if (!Array.isArray(body)) throw new Error('Fly Machines API answered without a machine list');
    const leased: string[] = [];
    for (const item of body) {
      const machine = parseMachine(item);
      const lease = asRecord(asRecord(item)?.lease);
      const expiresAt = lease?.expires_at;
      // Fly lists only the lease it holds now: no clock of ours judges its expiry.
      if (!isAppMachine(machine) || typeof expiresAt !== 'number') continue;
      const owner =
        typeof lease?.owner === 'string' && lease.owner !== '' ? lease.owner : 'someone';
      const why = typeof lease?.description === 'string' ? lease.description : '';
      leased.push(
        `machine ${machine.id} leased by ${owner}${why === '' ? '' : ` ("${why}")`} until ` +
          new Date(expiresAt * 1000).toISOString(),
      );
    }
    return leased;
  }

  async getMachine(id: string): Promise<FlyMachine> {
    await this.pacer.take(`${id}:get`);
    return parseMachine((await this.call('GET', this.machinePath(id))).body);
  }

  /** Starts the clock of the rollback's budget; later calls (more attempts) keep it. */
  startRollbackBudget(): void {
    this.rollbackEndsAt ??= this.timing.now() + this.timing.rollbackBudgetMs;
  }

  /** Takes the machine's lease, waiting while someone else holds it as long as the rollback's
   * budget allows (lease-wait.ts); the nonce. */
  async lease(id: string, ttlSeconds: number): Promise<string> {
    const budgetEndsAt = this.rollbackEndsAt ?? this.timing.now() + this.timing.rollbackBudgetMs;
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
        const holder = await this.leaseHolder(id);
        const wait = decideLeaseWait({
          now: this.timing.now(),
          budgetEndsAt,
          reserveMs: this.timing.leaseReserveMs,
          holderExpiresAt: holder?.expiresAtMs,
          attempt,
          maxAttempts: this.timing.leaseAttempts,
          retryMs: this.timing.leaseRetryMs,
        });
        if (wait.kind === 'give-up') throw new Error(leaseHeldMessage(id, holder, wait.leftMs));
        await this.timing.sleep(wait.ms);
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

  /** Puts a cordoned machine back in the proxy's rotation. */
  async uncordon(id: string, nonce: string): Promise<void> {
    await this.pacer.take(`${id}:uncordon`);
    await this.call('POST', `${this.machinePath(id)}/uncordon`, {
      headers: { 'fly-machine-lease-nonce': nonce },
    });
  }

  /** Starts a stopped machine. */
  async start(id: string, nonce: string): Promise<void> {
    await this.pacer.take(`${id}:start`);
    await this.call('POST', `${this.machinePath(id)}/start`, {
      headers: { 'fly-machine-lease-nonce': nonce },
    });
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
  async waitStarted(
    id: string,
    instanceId: string,
    deadline: number,
    justCreated = false,
  ): Promise<void> {
    await this.waitState(id, instanceId, ['started'], deadline, justCreated);
  }

  /** Like `waitStarted`, for any of `states` (the wait takes them repeated). A machine just
   * created may answer 404 for a moment: "not visible yet", waited out as flyctl does
   * (internal/machine/leasable_machine.go `WaitForState` with `WithJustCreated`). */
  async waitState(
    id: string,
    instanceId: string,
    states: readonly string[],
    deadline: number,
    justCreated = false,
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
        const notVisibleYet = justCreated && error instanceof HttpError && error.status === 404;
        if (!(error instanceof HttpError && error.status === 408) && !notVisibleYet) throw error;
        if (notVisibleYet) await this.timing.sleep(this.timing.leaseRetryMs);
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

  /** Who holds the lease on `id` and until when, if Fly says. */
  private async leaseHolder(id: string): Promise<LeaseHolder | undefined> {
    const data = await this.readLease(id);
    const expiresAt = data?.expires_at;
    if (typeof expiresAt !== 'number') return undefined;
    return {
      owner: typeof data?.owner === 'string' ? data.owner : 'someone',
      description: typeof data?.description === 'string' ? data.description : '',
      expiresAtMs: expiresAt * 1000,
    };
  }

  /** The nonce of the lease held on `id` when this client took it, else undefined. */
  private async ownLeaseNonce(id: string): Promise<string | undefined> {
    const data = await this.readLease(id);
    const nonce = data?.nonce;
    return data?.description === this.leaseDescription && typeof nonce === 'string' && nonce !== ''
      ? nonce
      : undefined;
  }

  /** The lease on `id` as Fly shows it (wrapped in `data` or not); undefined when unreadable. */
  private async readLease(id: string): Promise<Record<string, unknown> | undefined> {
    let body: unknown;
    try {
      ({ body } = await this.call('GET', `${this.machinePath(id)}/lease`));
    } catch {
      return undefined;
    }
    return asRecord(asRecord(body)?.data) ?? asRecord(body);
  }

  private machinePath(id: string): string {
    return `${this.appPath}/machines/${encodeURIComponent(id)}`;
  }
}

interface LeaseHolder {
  readonly owner: string;
  readonly description: string;
  readonly expiresAtMs: number;
}

/** Names who holds the lease, what for, and until when, and how to end it. */
function leaseHeldMessage(id: string, holder: LeaseHolder | undefined, leftMs: number): string {
  const held =
    holder === undefined
      ? 'someone else (another deploy or `fly` command?), and Fly does not say until when; ' +
        'still held after every try'
      : `${holder.owner}${holder.description === '' ? '' : ` ("${holder.description}")`} ` +
        `until ${new Date(holder.expiresAtMs).toISOString()}, past the ` +
        `${Math.round(leftMs / 1000)} s the rollback's budget leaves to wait`;
  return (
    `machine ${id} is leased by ${held}; ` +
    `see \`fly machine leases view ${id}\`, and clear it with \`fly machine leases clear ${id}\` ` +
    'once nothing uses it'
  );
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
