// An app's output that holds workflow commands, and the check that none of them acted: the
// action echoes output it did not write between stop-commands and its resume line.
import { expect } from 'vitest';
import { commandLines, type RunResult } from '../../sim/runner.js';

/** A Node script that prints `::error::`, `::add-mask::` and `::stop-commands::` lines naming
 * `source`, then the `extra` statements. */
export function commandPrintingScript(source: string, extra: readonly string[] = []): string {
  return [
    `console.log('::error::from the ${source}');`,
    "console.log('::add-mask::shown-word');",
    "console.log('::stop-commands::attacker');",
    `console.log('::warning::after the attacker stopped commands in the ${source}');`,
    ...extra,
    '',
  ].join('\n');
}

/** The lines the script for `source` printed are in the log as text, none acted, no annotation
 * came of them; the action's own commands still act, and every group it opened is closed. */
export function expectNoneActed(result: RunResult, source: string): void {
  expect(result.stdout).toContain(`::error::from the ${source}`);
  const acted = commandLines(result.stdout);
  const printed = new RegExp(`from the ${source}|in the ${source}|shown-word|attacker`);
  expect(acted.filter((line) => printed.test(line))).toEqual([]);
  expect(result.annotations.filter((a) => printed.test(a.message))).toEqual([]);
  const groups = acted.filter((line) => line.startsWith('::group::')).length;
  expect(groups).toBeGreaterThan(0);
  expect(acted.filter((line) => line === '::endgroup::')).toHaveLength(groups);
}
