// Turning samples into the rows of bench/results.json.

/** A goal a measurement is checked against; `on: 'max'` means every run must meet it. */
export interface Goal {
  readonly op: '<=' | '<';
  readonly value: number;
  readonly on?: 'median' | 'max';
}

/** One row of bench/results.json. */
export interface BenchResult {
  readonly name: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** e.g. `<= 3`, `< 150 (every run)`; null when there is no goal. */
  readonly goal: string | null;
  /** null when there is no goal. */
  readonly met: boolean | null;
  /** How many samples the row summarises. */
  readonly runs: number;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

function describeGoal(goal: Goal): string {
  return `${goal.op} ${goal.value}${goal.on === 'max' ? ' (every run)' : ''}`;
}

function meets(value: number, goal: Goal): boolean {
  return goal.op === '<=' ? value <= goal.value : value < goal.value;
}

export function summarize(
  name: string,
  unit: string,
  samples: readonly number[],
  goal?: Goal,
): BenchResult {
  const finite = samples.filter((sample) => Number.isFinite(sample));
  const mid = median(finite);
  const min = finite.length > 0 ? Math.min(...finite) : Number.NaN;
  const max = finite.length > 0 ? Math.max(...finite) : Number.NaN;
  // A run that produced no number (e.g. a wrong verdict) cannot count as meeting the goal.
  const complete = finite.length === samples.length && finite.length > 0;
  return {
    name,
    unit,
    median: round(mid),
    min: round(min),
    max: round(max),
    goal: goal ? describeGoal(goal) : null,
    met: goal ? complete && meets(goal.on === 'max' ? max : mid, goal) : null,
    runs: samples.length,
  };
}

/** Three significant decimals are plenty for ms, ratios and MB/s alike. */
function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : value;
}
