// flyctl's view of the Machines API (the stand-in talks to the simulator at FLY_SIM_API_URL
// where the real flyctl talks to api.machines.dev): JSON calls with the token's header,
// Retry-After on 429, and the error message Fly sent on failure.
import { setTimeout as sleep } from 'node:timers/promises';
import { authorizationFor } from '../fly/token.js';

export class FlyctlError extends Error {}

export interface MachineJson {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly region: string;
  readonly instance_id: string;
  /** `config`, or `incomplete_config` when the host is unreachable (see `readMachine`). */
  readonly config: Record<string, unknown>;
  readonly host_status?: string;
  readonly image_ref?: { readonly digest?: string };
  readonly checks?: ReadonlyArray<{ name: string; status: string; output?: string }>;
}

export interface CallOptions {
  readonly body?: unknown;
  readonly nonce?: string;
  /** Statuses returned as answers instead of thrown as errors. */
  readonly accept?: readonly number[];
}

const MAX_RATE_LIMITED_RETRIES = 6;
const REQUEST_TIMEOUT_MS = 90_000;

export class MachinesClient {
  private readonly authorization: string;

  constructor(
    readonly baseUrl: string,
    token: string,
    readonly app: string,
  ) {
    this.authorization = authorizationFor(token);
  }

  /** Calls `<base>/v1/apps/<app><path>`; resolves with status and parsed JSON. */
  async call(
    method: string,
    appPath: string,
    options: CallOptions = {},
  ): Promise<{ status: number; json: unknown }> {
    const url = `${this.baseUrl.replace(/\/$/, '')}/v1/apps/${this.app}${appPath}`;
    for (let attempt = 0; ; attempt += 1) {
      const response = await fetch(url, {
        method,
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.nonce ? { 'fly-machine-lease-nonce': options.nonce } : {}),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      const json = parseJson(text);
      if (response.status === 429 && attempt < MAX_RATE_LIMITED_RETRIES) {
        const seconds = Number(response.headers.get('retry-after') ?? '1');
        await sleep(Math.max(1, Number.isFinite(seconds) ? seconds : 1) * 1000);
        continue;
      }
      if (response.ok || options.accept?.includes(response.status)) {
        return { status: response.status, json };
      }
      const message = errorMessage(json) ?? (text.trim() || response.statusText);
      throw new FlyctlError(`${message} (Request ID: ${response.headers.get('fly-request-id')})`);
    }
  }

  async list(): Promise<MachineJson[]> {
    const { json } = await this.call('GET', '/machines');
    return Array.isArray(json) ? json.map(readMachine) : [];
  }

  async get(id: string): Promise<MachineJson> {
    return readMachine((await this.call('GET', `/machines/${id}`)).json);
  }
}

/** fly-go machine_types.go `GetConfig`: the config, else the incomplete one. */
function readMachine(value: unknown): MachineJson {
  const raw = value as MachineJson & { incomplete_config?: Record<string, unknown> };
  return { ...raw, config: raw.config ?? raw.incomplete_config ?? {} };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorMessage(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const error = (json as { error?: unknown }).error;
  return typeof error === 'string' ? error : undefined;
}
