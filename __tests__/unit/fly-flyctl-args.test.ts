// flyctl-args read as flyctl's pflag reads them: which command lines pass, which are refused.
import { describe, expect, it } from 'vitest';
import { checkFlyctlArgs } from '../../src/platforms/fly/flyctl-args.js';
import { parseFlyctlArgs } from '../../src/settings/inputs.js';

describe('checkFlyctlArgs', () => {
  it.each<[string, readonly string[], RegExp | undefined]>([
    ['nothing', [], undefined],
    ['a harmless value flag', ['--wait-timeout', '10m'], undefined],
    ['a harmless value flag with =', ['--build-arg=A=1', '-e', 'X=1'], undefined],
    ['a harmless boolean', ['--no-cache', '--verbose'], undefined],
    ['--yes (set anyway)', ['--yes', '-y'], undefined],
    ['--detach=false', ['--detach=false'], undefined],
    [
      'a strategy overridden, the last one wins',
      ['--strategy', 'immediate', '--strategy=canary'],
      undefined,
    ],
    ['--app X', ['--app', 'other'], /'--app' changes what or where is deployed; use the app input/],
    ['--app=X', ['--app=other'], /'--app'.*the app input/],
    ['-a X', ['-a', 'other'], /'-a'.*the app input/],
    ['-aX', ['-aother'], /'-a'.*the app input/],
    ['-a=X', ['-a=other'], /'-a'.*the app input/],
    ['-c', ['-c', 'other.toml'], /'-c'.*the fly-config input/],
    ['--config', ['--config=x.toml'], /the fly-config input/],
    ['-i', ['-i', 'registry.fly.io/x:y'], /'-i'.*the image input/],
    ['-t', ['-t', 'tok'], /'-t'.*the api-token input/],
    ['--access-token', ['--access-token=tok'], /the api-token input/],
    ['--build-only', ['--build-only'], /'--build-only'/],
    ['--only-regions (alias)', ['--only-regions', 'ams'], /'--only-regions'/],
    ['--regions', ['--regions=ams'], /'--regions'/],
    ['--exclude-regions', ['--exclude-regions', 'fra'], /'--exclude-regions'/],
    ['--process-groups', ['--process-groups', 'web'], /'--process-groups'/],
    ['--exclude-machines', ['--exclude-machines', 'abc'], /'--exclude-machines'/],
    ['--detach', ['--detach'], /'--detach'/],
    ['--detach=true after false', ['--detach=false', '--detach=true'], /'--detach'/],
    ['bundled shorthands with -a last', ['-ya', 'other'], /'-a'.*the app input/],
    ['--yes=false', ['--yes=false'], /'--yes=false'/],
    ['-y=false', ['-y=false'], /'--yes=false'/],
    [
      '--strategy immediate by its last value',
      ['--strategy=canary', '--strategy', 'immediate'],
      /'--strategy immediate'/,
    ],
    [
      'a positional argument',
      ['./other-dir'],
      /'\.\/other-dir' is a positional argument.*source-dir/,
    ],
    ['a positional after a boolean', ['--no-cache', 'dir'], /'dir' is a positional argument/],
    ['a positional after --', ['--', '--app'], /'--app' is a positional argument/],
    ['a value flag without its value', ['--wait-timeout'], /'--wait-timeout' needs a value/],
  ])('%s', (_title, words, problem) => {
    const verdict = checkFlyctlArgs(words);
    if (problem === undefined) expect(verdict).toEqual({ ok: true, problem: undefined });
    else expect(verdict.problem).toMatch(problem);
  });
});

describe('parseFlyctlArgs (the flyctl-args input)', () => {
  it('splits like a shell, then refuses what flyctl would read as another app', () => {
    expect(parseFlyctlArgs('--wait-timeout 10m --build-arg "A=b c"')).toEqual([
      '--wait-timeout',
      '10m',
      '--build-arg',
      'A=b c',
    ]);
    expect(parseFlyctlArgs('-aother')).toMatch(/'-a'.*the app input/);
  });
});
