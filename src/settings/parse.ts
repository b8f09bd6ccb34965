// Pure parsers for input values: each returns the parsed value or a problem string that says
// what is allowed (the caller names the input and quotes the value).
import { parse as parseShellWords } from 'shell-quote';
import type { NeedsEntry } from '../gate/gate.js';
import type { StatusRange } from '../verify/health.js';

/** Parses `expected-status`: a list of codes and ranges, e.g. `200-299`, `200,204 301-302`. */
export function parseExpectedStatus(value: string): StatusRange[] | string {
  const parts = value.split(/[\s,]+/).filter((part) => part !== '');
  if (parts.length === 0) return 'is empty';
  const ranges: StatusRange[] = [];
  for (const part of parts) {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!match) return `'${part}' is neither a status code nor a range like 200-299`;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : Number(match[2]);
    if (min < 100 || max > 599) return `'${part}' is outside 100-599`;
    if (min > max) return `'${part}' is a range whose start is above its end`;
    ranges.push({ min, max });
  }
  return ranges;
}

/** Splits `require-jobs` on newlines and commas. */
export function parseJobList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** Longest `require-jobs` pattern: job names are short, and matching stays cheap. */
export const MAX_JOB_PATTERN_CHARS = 200;

/** `require-jobs` as patterns, each of bounded length. */
export function parseJobPatterns(value: string): string[] | string {
  const patterns = parseJobList(value);
  const long = patterns.find((pattern) => pattern.length > MAX_JOB_PATTERN_CHARS);
  if (long !== undefined) {
    return `has a pattern of ${long.length} characters; at most ${MAX_JOB_PATTERN_CHARS} are allowed`;
  }
  return patterns;
}

/** Parses `needs` (`${{ toJSON(needs) }}`): an object of `{ result, outputs }` entries. */
export function parseNeeds(value: string): Record<string, NeedsEntry> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'is not JSON; pass `${{ toJSON(needs) }}`';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'is not a JSON object; pass `${{ toJSON(needs) }}`';
  }
  const needs: Record<string, NeedsEntry> = {};
  for (const [job, entry] of Object.entries(parsed)) {
    const result: unknown =
      typeof entry === 'object' && entry !== null ? (entry as { result?: unknown }).result : null;
    if (typeof result !== 'string') return `entry '${job}' has no string 'result'`;
    needs[job] = { result };
  }
  return needs;
}

/** Parses seconds with decimals, e.g. `0.5`, within [minSeconds, maxSeconds]; `why` says
 * where the minimum comes from. */
export function parseSeconds(
  value: string,
  maxSeconds: number,
  minSeconds = 0,
  why = '',
): number | string {
  if (!/^\d{1,9}(\.\d{1,9})?$/.test(value)) return 'is not a number of seconds like 5 or 0.5';
  const seconds = Number(value);
  if (seconds <= 0) return 'must be greater than 0';
  if (seconds < minSeconds) return `must be at least ${minSeconds}${why === '' ? '' : ` (${why})`}`;
  if (seconds > maxSeconds) return `must be at most ${maxSeconds}`;
  return seconds;
}

/** Longest URL accepted: what browsers and most servers take, far above a real API URL. */
export const MAX_URL_CHARS = 2048;

/** Checks a URL input: http(s) only, no user:password inside (it would leak into logs), and
 * nothing the URL parser would silently drop (tabs, line breaks: another URL results). */
export function parseHttpUrl(value: string): URL | string {
  if (value.length > MAX_URL_CHARS) {
    return `is ${value.length} characters long; at most ${MAX_URL_CHARS} are allowed`;
  }
  // White space, C0/C1 controls, and Unicode format and separator characters.
  if (/[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(value)) {
    return 'contains white space or a control character; none is allowed in a URL';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `has protocol '${url.protocol}'; only http: and https: are allowed`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'contains credentials; pass tokens through api-token instead';
  }
  return url;
}

/** A loopback host: the only place plain http may carry a token (a local proxy, a test). */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `api-url`: the token goes to it on every call, so https (or loopback), and a plain base:
 * a query or fragment would be dropped or misread when paths are appended. */
export function parseApiUrl(value: string): URL | string {
  const url = parseHttpUrl(value);
  if (typeof url === 'string') return url;
  if (url.protocol === 'http:' && !isLoopback(url)) {
    return 'uses http: to a host that is not loopback, which would send the token in clear; use https:';
  }
  if (url.search !== '' || value.includes('?')) return 'has a query; give the base URL only';
  if (url.hash !== '' || value.includes('#')) return 'has a fragment; give the base URL only';
  return url;
}

/** GitHub environment names: up to 255 characters, no control, format or separator
 * characters (U+007F, U+0085, U+202E, U+2028 …), no commas or quotes. */
export function checkEnvironmentName(value: string): string | undefined {
  if ([...value].length > 255) return 'is longer than 255 characters';
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(value)) {
    return 'contains a control, format or line separator character';
  }
  if (/[,'"`;]/.test(value)) return 'contains a comma, quote or semicolon';
  if (value.trim() !== value) return 'starts or ends with white space';
  return undefined;
}

export function parseBoolean(value: string): boolean | string {
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  return 'must be true or false';
}

export function positiveInt(value: string, max: number): number | string {
  if (!/^\d{1,9}$/.test(value)) return 'must be a whole number';
  const number = Number(value);
  if (number < 1 || number > max) return `must be between 1 and ${max}`;
  return number;
}

// Arguments the action sets itself, or that would defeat its checks: `--detach` returns before
// the machines are judged, `immediate` reports success for a broken app.
const RESERVED_FLYCTL_ARGS = /^(--app|-a|--config|-c|--image|-i|--detach|--yes|-y)(=|$)/;

/** Splits `flyctl-args` like a shell, without one: operators and substitutions are refused. */
export function parseFlyctlArgs(value: string): string[] | string {
  const words: string[] = [];
  for (const entry of parseShellWords(value, (name) => `$${name}`)) {
    if (typeof entry !== 'string') return 'contains shell operators or comments; pass plain words';
    if (/[$`]/.test(entry)) return `'${entry}' contains $ or \`; no substitution happens here`;
    if (/[\p{Cc}]/u.test(entry)) return 'contains a control character';
    if (RESERVED_FLYCTL_ARGS.test(entry)) {
      return `'${entry}' is set by the action (use the app, fly-config and image inputs)`;
    }
    words.push(entry);
  }
  const strategy = words.findIndex((word) => /^--strategy(=|$)/.test(word));
  if (strategy >= 0) {
    const chosen = words[strategy]?.split('=')[1] ?? words[strategy + 1];
    if (chosen === 'immediate') return "'--strategy immediate' exits 0 on a broken app";
  }
  return words;
}
