// Measure 4: the same healthy, broken and crashing releases, each booting after a start-up
// delay, judged by our health check (the action's verdict) and, at the same time on the same
// release, by the fixed-delay baseline. Both start when the action reports the release live.
import type { AppConfig } from '../sim/app-repo.js';
import { startScenario } from '../sim/scenario.js';
import { fixedDelayCheck } from './fixed-delay-checker.js';
import type { FixedDelayVerdict } from './fixed-delay-checker.js';
import type { Section } from './section.js';
import { summarize } from './stats.js';
import { describeFailure, healthGroup, runTimed } from './timed-run.js';
import type { TimedLine } from './timed-run.js';

const STARTUP_DELAYS_S = [0.5, 1, 2, 4] as const;
/** 0 s is akhileshns/heroku-deploy's default `delay`; 5 s a typical setting. */
const FIXED_DELAYS_S = [0, 5] as const;
const OURS = { interval: 0.5, threshold: 3, timeout: 10 } as const;
/** The crashing release serves for this long after it starts listening, then exits. */
const CRASH_AFTER_LISTEN_MS = 450;

interface ReleaseKind {
  readonly name: string;
  readonly healthy: boolean;
  config(startupMs: number): AppConfig;
}

const KINDS: readonly ReleaseKind[] = [
  { name: 'healthy', healthy: true, config: (ms) => ({ startupDelayMs: ms }) },
  {
    name: 'broken (/health 500)',
    healthy: false,
    config: (ms) => ({ startupDelayMs: ms, healthStatus: 500 }),
  },
  {
    name: `crashes ${CRASH_AFTER_LISTEN_MS} ms after listening`,
    healthy: false,
    config: (ms) => ({ startupDelayMs: ms, crashAfterMs: ms + CRASH_AFTER_LISTEN_MS }),
  },
];

interface Judged {
  readonly healthy: boolean;
  /** ms from "release live" to the verdict. */
  readonly afterMs: number;
}

interface CaseOutcome {
  readonly kind: ReleaseKind;
  readonly startupS: number;
  readonly ours: Judged;
  readonly fixed: readonly Judged[];
}

async function judgeKind(kind: ReleaseKind, index: number): Promise<CaseOutcome[]> {
  const scenario = await startScenario({ app: `bench-detect-${index}` });
  const outcomes: CaseOutcome[] = [];
  try {
    const healthUrl = new URL('/health', scenario.sim.heroku.state(scenario.app).webUrl).href;
    for (const startupS of STARTUP_DELAYS_S) {
      let liveAt: number | undefined;
      let baselines: Promise<FixedDelayVerdict>[] = [];
      const startBaselines = (line: TimedLine): void => {
        if (liveAt !== undefined || !/^v\d+ is live$/.test(line.text)) return;
        liveAt = line.at;
        baselines = FIXED_DELAYS_S.map((delay) => fixedDelayCheck(healthUrl, delay));
      };
      const timed = await runTimed(scenario, {
        config: { version: `${kind.name}-${startupS}`, ...kind.config(startupS * 1000) },
        inputs: {
          'health-interval': String(OURS.interval),
          'healthy-threshold': String(OURS.threshold),
          'health-timeout': String(OURS.timeout),
        },
        onLine: startBaselines,
      });
      const fixed = await Promise.all(baselines);
      const verdict = healthGroup(timed.lines, 0);
      if (liveAt === undefined || !verdict) {
        throw new Error(`no release went live or no verdict: ${describeFailure(timed)}`);
      }
      const since = liveAt;
      outcomes.push({
        kind,
        startupS,
        ours: {
          healthy: timed.result.outputs.result === 'deployed',
          afterMs: verdict.endedAt - since,
        },
        fixed: fixed.map((check) => ({ healthy: check.healthy, afterMs: check.at - since })),
      });
    }
  } finally {
    await scenario.close();
  }
  return outcomes;
}

function cell(judged: Judged, expectHealthy: boolean): string {
  const word = judged.healthy ? 'healthy' : 'unhealthy';
  const mark = judged.healthy === expectHealthy ? 'ok' : 'WRONG';
  return `${word} ${(judged.afterMs / 1000).toFixed(2)} s ${mark}`;
}

function table(outcomes: readonly CaseOutcome[]): string[] {
  const header = [
    'release',
    'start-up',
    `ours (I=${OURS.interval} s, N=${OURS.threshold})`,
    ...FIXED_DELAYS_S.map((delay) => `sleep ${delay} s + 1 GET`),
  ];
  const rows = outcomes.map((outcome) => [
    outcome.kind.name,
    `${outcome.startupS} s`,
    cell(outcome.ours, outcome.kind.healthy),
    ...outcome.fixed.map((judged) => cell(judged, outcome.kind.healthy)),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: readonly string[]): string =>
    row
      .map((text, column) => text.padEnd(widths[column] ?? 0))
      .join(' | ')
      .trimEnd();
  return [
    format(header),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...rows.map(format),
  ];
}

function checkerResults(name: string, judged: ReadonlyArray<{ j: Judged; expect: boolean }>) {
  const wrong = judged.filter(({ j, expect }) => j.healthy !== expect).length;
  const correctTimes = (healthy: boolean): number[] =>
    judged
      .filter(({ j, expect }) => expect === healthy && j.healthy === expect)
      .map(({ j }) => j.afterMs);
  return [
    summarize(`detection: wrong verdicts of ${judged.length}, ${name}`, 'count', [wrong]),
    summarize(`detection: correct healthy verdict after, ${name}`, 'ms', correctTimes(true)),
    summarize(`detection: correct unhealthy verdict after, ${name}`, 'ms', correctTimes(false)),
  ];
}

export async function measureDetection(): Promise<Section> {
  // The three kinds run side by side (one simulator each): the work is mostly waiting.
  const perKind = await Promise.all(KINDS.map((kind, index) => judgeKind(kind, index)));
  const outcomes = perKind.flat();
  const ours = outcomes.map((outcome) => ({ j: outcome.ours, expect: outcome.kind.healthy }));
  const results = checkerResults('guarded-deploy', ours);
  FIXED_DELAYS_S.forEach((delay, column) => {
    const judged = outcomes.map((outcome) => ({
      j: outcome.fixed[column] ?? { healthy: !outcome.kind.healthy, afterMs: Number.NaN },
      expect: outcome.kind.healthy,
    }));
    results.push(...checkerResults(`sleep ${delay} s + 1 GET`, judged));
  });
  return {
    title: '4. Detection vs a fixed delay',
    results,
    notes: [
      'Times count from the action reporting the release live; both checkers judge the same',
      `release at once. Ours: health-timeout ${OURS.timeout} s. "WRONG" = verdict opposite to`,
      'what the release is. Without preboot the router holds requests while a dyno boots.',
      '',
      ...table(outcomes),
    ],
  };
}
