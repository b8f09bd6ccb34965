// The action's own secrets (API token, GitHub token, each Fly macaroon part) kept out of any
// platform text it copies into its log, summary, annotations or outputs. The runner masks
// registered secrets in the log and the step summary, but only whole values: a line cut
// through a token, or text escaped after the fact, would carry part of it past the masker.
// So platform text is redacted here first, before anything caps or escapes it.
import * as core from '@actions/core';

/** What a secret becomes, as the runner's own masker writes it. */
export const REDACTED = '***';

const registered = new Set<string>();

/** Masks `value` in the job log (core.setSecret) and redacts it from platform text. */
export function maskSecret(value: string): void {
  if (value === '') return;
  core.setSecret(value);
  registered.add(value);
}

/** The secrets registered so far in this process. */
export function knownSecrets(): readonly string[] {
  return [...registered];
}

/** Replaces every occurrence of every secret with `***`; overlapping or touching
 * occurrences become one `***`, as the runner's masker merges them. */
export function redactSecrets(text: string, secrets = knownSecrets()): string {
  const ranges: [number, number][] = [];
  for (const secret of secrets) {
    if (secret === '') continue;
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
      ranges.push([at, at + secret.length]);
    }
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let copied = 0;
  let end = -1;
  for (const [start, stop] of ranges) {
    if (start > end) {
      if (end !== -1) out += REDACTED;
      out += text.slice(copied, start);
    }
    end = Math.max(end, stop);
    copied = end;
  }
  return `${out}${REDACTED}${text.slice(copied)}`;
}

/** `text` cut to its first `max` characters; see trimSecretStart. */
export function cutBeforeSecrets(text: string, max: number, secrets = knownSecrets()): string {
  return text.length <= max ? text : trimSecretStart(text.slice(0, max), secrets);
}

/** `text` that was cut off at its end, less any end that starts a secret: the rest of that
 * secret is gone, so no whole value is left for a masker to find. */
export function trimSecretStart(text: string, secrets = knownSecrets()): string {
  let trim = 0;
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length > trim; length--) {
      if (text.endsWith(secret.slice(0, length))) {
        trim = length;
        break;
      }
    }
  }
  return text.slice(0, text.length - trim);
}

/** Test hook: forgets the registered secrets. */
export function forgetSecrets(): void {
  registered.clear();
}
