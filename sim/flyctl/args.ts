// flyctl's command line, as far as the stand-in implements it.

export interface DeployArgs {
  readonly app: string | undefined;
  readonly config: string;
  readonly image: string | undefined;
  readonly imageLabel: string | undefined;
  readonly strategy: string | undefined;
  readonly waitTimeout: string | undefined;
  readonly detach: boolean;
}

export type Command =
  { readonly name: 'deploy'; readonly args: DeployArgs } | { readonly name: 'version' };

export class UsageError extends Error {}

const VALUE_FLAGS: Readonly<Record<string, string>> = {
  '--app': 'app',
  '-a': 'app',
  '--config': 'config',
  '-c': 'config',
  '--image': 'image',
  '-i': 'image',
  '--image-label': 'imageLabel',
  '--strategy': 'strategy',
  '--wait-timeout': 'waitTimeout',
};
const BOOLEAN_FLAGS = new Set(['--remote-only', '--yes', '-y', '--detach', '--verbose']);

export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === 'version' || command === '--version') return { name: 'version' };
  if (command !== 'deploy') {
    throw new UsageError(`unknown command "${command ?? ''}" for "flyctl"`);
  }
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let index = 0; index < rest.length; index += 1) {
    const arg = rest[index] ?? '';
    const [flag = '', inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) : [arg];
    const key = VALUE_FLAGS[flag];
    if (key) {
      const value = inline ?? rest[++index];
      if (value === undefined) throw new UsageError(`flag needs an argument: ${flag}`);
      values[key] = value;
    } else if (BOOLEAN_FLAGS.has(flag)) {
      flags.add(flag);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown flag: ${flag}`);
    } else {
      throw new UsageError(`accepts at most 0 arg(s) here, received ${JSON.stringify(arg)}`);
    }
  }
  return {
    name: 'deploy',
    args: {
      app: values.app,
      config: values.config ?? 'fly.toml',
      image: values.image,
      imageLabel: values.imageLabel,
      strategy: values.strategy,
      waitTimeout: values.waitTimeout,
      detach: flags.has('--detach'),
    },
  };
}
