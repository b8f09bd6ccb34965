// In-memory state of the simulated Heroku account: apps, slugs, builds and releases.
import type { AppRouter } from '../router/app-router.js';
import type { OutputLog } from './output-log.js';
import type { ProcessTypes } from './procfile.js';

export interface SlugRecord {
  readonly id: string;
  readonly dir: string;
  readonly processTypes: ProcessTypes;
  readonly sizeBytes: number;
}

// The Platform API schema's release `status` enum; `expired` comes with Fir-generation apps,
// which expire old releases (heroku/cli PR #3081, src/lib/releases/status-helper.ts).
export type ReleaseStatus = 'pending' | 'succeeded' | 'failed' | 'expired';

export interface ReleaseRecord {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  readonly createdAt: string;
  updatedAt: string;
  status: ReleaseStatus;
  readonly slug: SlugRecord | undefined;
  /** Release phase output; only when the slug's Procfile has a `release` command. */
  readonly output: OutputLog | undefined;
  /** Whether the release command has started: its output stream answers 404 until then. */
  outputStarted: boolean;
  /** Resolves when the release left `pending` and, if it became current, traffic switched. */
  settled: Promise<void>;
  /** When traffic had switched to it (epoch ms, `performance` clock), for the benchmarks. */
  liveAt?: number;
}

export type BuildStatus = 'pending' | 'succeeded' | 'failed';

export interface BuildRecord {
  readonly id: string;
  readonly createdAt: string;
  updatedAt: string;
  status: BuildStatus;
  readonly sourceBlob: {
    readonly url: string;
    readonly checksum: string | null;
    readonly version: string | null;
    readonly version_description: string | null;
  };
  readonly output: OutputLog;
  slug: SlugRecord | undefined;
  release: ReleaseRecord | undefined;
}

export interface AppRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  updatedAt: string;
  releasedAt: string | null;
  readonly prebootSince: string;
  /** Before a release command starts (a one-off dyno is provisioned first); its output
   * stream answers 404 until then (heroku/cli src/commands/releases/rollback.ts warns
   * "Release command starting" on that 404). */
  readonly releaseStartDelayMs: number;
  readonly router: AppRouter;
  readonly releases: ReleaseRecord[];
  readonly builds: BuildRecord[];
  readonly slugs: Map<string, SlugRecord>;
  currentRelease: ReleaseRecord | undefined;
}

export const SIM_USER = {
  id: '6b7b0c1d-5f2e-4c5a-9d1e-5a1b2c3d4e5f',
  email: 'deployer@example.com',
} as const;

export const SIM_REGION = { id: '59accabd-516d-4f0e-83e6-6e3757701145', name: 'us' } as const;
export const SIM_STACK = { id: 'ee582d3c-717d-4a57-ba5f-8b3a39f3a817', name: 'heroku-24' } as const;
