// `npm run bench`: what makes a deploy fast, measured on the local simulator (issue 6).
// Prints one table and writes bench/results.json. Needs dist/index.js (npm run build).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { distEntry } from '../sim/runner.js';
import { nowMs } from './clock.js';
import { measureColdStart } from './cold-start.js';
import { measureDetection } from './detection.js';
import { measureFailFast } from './fail-fast.js';
import { measureFailFastFly } from './fail-fast-fly.js';
import { measureFlyZeroDowntime } from './fly-zero-downtime.js';
import { describeMachine, machineInfo } from './machine.js';
import { formatSections } from './report.js';
import { measureRollbackLatency } from './rollback-latency.js';
import type { Section } from './section.js';
import { measureUpload } from './upload.js';
import { measureVerdictLatency } from './verdict-latency.js';
import { measureZeroDowntime } from './zero-downtime.js';

const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');

type Measure = () => Promise<Section>;

/** Run one stage after another; the measures of a stage run side by side. Only measure 4
 * (mostly waiting for releases to boot and time out) shares its stage, with measure 5 (mostly
 * one core compressing the tree); the others need the machine to themselves. */
const STAGES: ReadonlyArray<readonly Measure[]> = [
  [async () => ({ title: '1. Cold start', results: await measureColdStart() })],
  [async () => ({ title: '2. Verdict latency vs ideal', results: await measureVerdictLatency() })],
  [async () => ({ title: '3. Failure to rollback', results: await measureRollbackLatency() })],
  [measureDetection, measureUpload],
  [measureZeroDowntime],
  [measureFlyZeroDowntime],
  [async () => ({ title: '7. Fail fast on a crash or a break', results: await measureFailFast() })],
  [
    async () => ({
      title: '8. Fail fast on Fly, and the log read beside the rollback',
      results: await measureFailFastFly(),
    }),
  ],
];

async function timed(measure: Measure): Promise<Section> {
  const started = nowMs();
  const section = await measure();
  const seconds = ((nowMs() - started) / 1000).toFixed(1);
  console.log(`... ${section.title} done in ${seconds} s`);
  return section;
}

async function main(): Promise<number> {
  if (!existsSync(distEntry)) {
    console.error(`${distEntry} is missing: run npm run build first.`);
    return 1;
  }
  const machine = machineInfo();
  console.log('guarded-deploy bench (local simulator; medians of >= 5 runs unless noted)');
  for (const line of describeMachine(machine)) console.log(line);
  const started = nowMs();
  const sections: Section[] = [];
  for (const stage of STAGES) sections.push(...(await Promise.all(stage.map(timed))));
  for (const line of formatSections(sections)) console.log(line);
  const results = sections.flatMap((section) => section.results);
  const unmet = results.filter((result) => result.met === false);
  const total = ((nowMs() - started) / 1000).toFixed(0);
  console.log('');
  console.log(`total: ${total} s; goals not met: ${unmet.length}`);
  for (const result of unmet) console.log(`  NOT MET: ${result.name} (${result.goal})`);
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), resultsFile)}`);
  return 0;
}

process.exitCode = await main();
