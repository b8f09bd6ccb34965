// `flyctl-args` read the way flyctl reads its command line (cobra + pflag): `--flag=value`,
// `--flag value`, `-fvalue`, `-f value`, `-f=value`, bundled boolean shorthands (`-yv`), a
// boolean set with `--flag=false`, a repeated flag's last value winning, `--` ending flags.
// Refused when they change what or where is deployed, naming the input to use instead.

/** flyctl deploy's boolean flags (internal/command/deploy/deploy.go, internal/flag/flag.go,
 * global flags): they take no separate value word. Every other flag takes one. */
const BOOLEAN_FLAGS = new Set([
  'build-only',
  'buildkit',
  'debug',
  'detach',
  'dns-checks',
  'flycast',
  'force-machines',
  'ha',
  'https-failover',
  'local-only',
  'nixpacks',
  'no-cache',
  'no-public-ips',
  'now',
  'push',
  'recreate-builder',
  'remote-only',
  'skip-release-command',
  'smoke-checks',
  'update-only',
  'verbose',
  'wireguard',
  'yes',
]);

/** Shorthands flyctl deploy knows, to their long names. */
const SHORTHANDS: Readonly<Record<string, string>> = {
  a: 'app',
  c: 'config',
  e: 'env',
  i: 'image',
  s: 'signal',
  t: 'access-token',
  y: 'yes',
};

/** Aliases flyctl declares, to the flag they set. */
const ALIASES: Readonly<Record<string, string>> = { 'only-regions': 'regions' };

/** Flags that change what or where is deployed, and what to use instead. */
const REFUSED: Readonly<Record<string, string>> = {
  app: 'the app input',
  config: 'the fly-config input',
  image: 'the image input',
  'access-token': 'the api-token input',
  'build-only': 'nothing: the action deploys what it builds',
  regions: 'nothing: every machine of the app is deployed and judged',
  'exclude-regions': 'nothing: every machine of the app is deployed and judged',
  'process-groups': 'nothing: every machine of the app is deployed and judged',
  'exclude-machines': 'nothing: every machine of the app is deployed and judged',
  'only-machines': 'nothing: every machine of the app is deployed and judged',
  detach: 'nothing: flyctl must wait for the machines before they are judged',
};

/** One flag as pflag sets it. */
interface FlagValue {
  readonly name: string;
  /** As written, for the message (`-a`, `--app`). */
  readonly written: string;
  readonly value: string;
}

export interface FlyctlArgsVerdict {
  readonly ok: boolean;
  /** Why not, naming the flag and the input to use instead. */
  readonly problem: string | undefined;
}

/** Reads `words` as flyctl would and says whether the action may pass them on. */
export function checkFlyctlArgs(words: readonly string[]): FlyctlArgsVerdict {
  const parsed = parseFlags(words);
  if (typeof parsed === 'string') return refuse(parsed);
  const { flags, positional } = parsed;
  if (positional.length > 0) {
    return refuse(
      `'${positional[0] ?? ''}' is a positional argument, which flyctl takes as its working ` +
        'directory; use the source-dir input',
    );
  }
  const last = new Map<string, FlagValue>();
  for (const flag of flags) last.set(flag.name, flag);
  for (const flag of last.values()) {
    const instead = REFUSED[flag.name];
    const setsBoolean = BOOLEAN_FLAGS.has(flag.name);
    if (instead !== undefined && (!setsBoolean || isTrue(flag.value))) {
      return refuse(`'${flag.written}' changes what or where is deployed; use ${instead}`);
    }
  }
  if (last.has('yes') && !isTrue(last.get('yes')?.value ?? 'true')) {
    return refuse("'--yes=false' makes flyctl ask questions no one can answer in a job");
  }
  if (last.get('strategy')?.value === 'immediate') {
    return refuse(
      "'--strategy immediate' exits 0 on a broken app; use rolling, canary or bluegreen",
    );
  }
  return { ok: true, problem: undefined };
}

/** The flags and positional words pflag sees in `words`, or why it would fail. */
function parseFlags(
  words: readonly string[],
): { flags: FlagValue[]; positional: string[] } | string {
  const flags: FlagValue[] = [];
  const positional: string[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] ?? '';
    if (word === '--') {
      positional.push(...words.slice(index + 1));
      break;
    }
    if (word.startsWith('--')) {
      const [rawName = '', inline] = splitOnce(word.slice(2));
      const name = ALIASES[rawName] ?? rawName;
      if (inline !== undefined || BOOLEAN_FLAGS.has(name)) {
        flags.push({ name, written: `--${rawName}`, value: inline ?? 'true' });
        continue;
      }
      const value = words[index + 1];
      if (value === undefined) return `'${word}' needs a value`;
      flags.push({ name, written: `--${rawName}`, value });
      index += 1;
    } else if (word.startsWith('-') && word.length > 1) {
      const taken = readShorthands(word, words[index + 1], flags);
      if (typeof taken === 'string') return taken;
      index += taken;
    } else {
      positional.push(word);
    }
  }
  return { flags, positional };
}

/** `-yv`, `-aX`, `-a X`, `-a=X`: pushes the flags; how many extra words it used. */
function readShorthands(
  word: string,
  next: string | undefined,
  flags: FlagValue[],
): number | string {
  for (let at = 1; at < word.length; at += 1) {
    const letter = word[at] ?? '';
    const name = SHORTHANDS[letter] ?? `-${letter}`;
    const written = `-${letter}`;
    const rest = word.slice(at + 1);
    if (rest.startsWith('=')) {
      flags.push({ name, written, value: rest.slice(1) });
      return 0;
    }
    if (BOOLEAN_FLAGS.has(name)) {
      flags.push({ name, written, value: 'true' });
      continue;
    }
    if (rest !== '') {
      flags.push({ name, written, value: rest });
      return 0;
    }
    if (next === undefined) return `'${written}' needs a value`;
    flags.push({ name, written, value: next });
    return 1;
  }
  return 0;
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** strconv.ParseBool's true spellings, as pflag reads a boolean. */
function isTrue(value: string): boolean {
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
}

function refuse(problem: string): FlyctlArgsVerdict {
  return { ok: false, problem };
}
