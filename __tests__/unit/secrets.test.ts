import { afterEach, describe, expect, it } from 'vitest';
import {
  cutBeforeSecrets,
  forgetSecrets,
  maskSecret,
  redactSecrets,
  trimSecretStart,
} from '../../src/io/secrets.js';
import { capLine, lineSplitter, MAX_LINE_CHARS, TailBuffer } from '../../src/io/tail-buffer.js';
import { UntrustedEcho } from '../../src/io/untrusted-output.js';

const TOKEN = 'hk-secret-0123456789';

afterEach(() => forgetSecrets());

describe('redactSecrets', () => {
  it.each([
    ['no secret', 'plain text', [TOKEN], 'plain text'],
    ['empty text', '', [TOKEN], ''],
    ['no secrets known', `token ${TOKEN}`, [], `token ${TOKEN}`],
    ['an empty secret is ignored', 'abc', [''], 'abc'],
    ['one secret', `token=${TOKEN};`, [TOKEN], 'token=***;'],
    ['repeated', `${TOKEN} and ${TOKEN}${TOKEN}`, [TOKEN], '*** and ***'],
    ['overlapping secrets merge', 'x abcdef y', ['abcd', 'cdef'], 'x *** y'],
    ['one inside another', 'FlyV1 aa,bb!', ['FlyV1 aa,bb', 'aa', 'bb'], '***!'],
    ['a secret overlapping itself', 'aaaaa', ['aaa'], '***'],
    ['two separate secrets', 'a1 b2', ['a1', 'b2'], '*** ***'],
  ])('%s', (_name, text, secrets, expected) => {
    expect(redactSecrets(text, secrets)).toBe(expected);
  });
});

describe('cutting text that holds a secret', () => {
  it.each([
    ['cut inside a secret drops its start', `ab ${TOKEN}`, 8, [TOKEN], 'ab '],
    ['cut after a secret keeps it', `${TOKEN} tail`, TOKEN.length + 2, [TOKEN], `${TOKEN} t`],
    ['short enough: untouched', `x ${TOKEN.slice(0, 4)}`, 100, [TOKEN], `x ${TOKEN.slice(0, 4)}`],
    ['no secrets: a plain cut', 'abcdef', 3, [], 'abc'],
  ])('%s', (_name, text, max, secrets, expected) => {
    expect(cutBeforeSecrets(text, max, secrets)).toBe(expected);
  });

  it('drops the longest end that starts any secret', () => {
    expect(trimSecretStart('log: abcab', ['abcabx', 'bq'])).toBe('log: ');
  });

  it('capLine redacts before it cuts, so no half of a secret is left', () => {
    maskSecret(TOKEN);
    for (let offset = 1; offset < TOKEN.length; offset++) {
      const line = `${'x'.repeat(MAX_LINE_CHARS - offset)}${TOKEN}${'y'.repeat(10)}`;
      const capped = capLine(line);
      expect(capped).not.toContain(TOKEN.slice(0, 4));
    }
    expect(capLine(`a ${TOKEN} b ${TOKEN}`)).toBe('a *** b ***');
  });

  it('a line cut while it streamed in leaves no start of a secret', () => {
    maskSecret(TOKEN);
    const lines: string[] = [];
    const split = lineSplitter((line) => lines.push(line));
    // The token repeated past the cap: the stream is cut inside one of them.
    split.push(new TextEncoder().encode(`${TOKEN} `.repeat(8000)));
    split.end();
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(TOKEN.slice(0, 3));
    expect(lines[0]).toMatch(/^\*\*\* \*\*\* .*more characters cut\]$/);
  });

  it('TailBuffer and the untrusted echo redact what they keep and write', () => {
    maskSecret(TOKEN);
    const tail = new TailBuffer(2);
    tail.push(`boot with ${TOKEN}`);
    expect(tail.lines()).toEqual(['boot with ***']);
    const written: string[] = [];
    const echo = new UntrustedEcho((line) => written.push(line));
    echo.line(`build: ${TOKEN}`);
    echo.close();
    expect(written.join('\n')).not.toContain(TOKEN);
    expect(written).toContain('build: ***');
  });
});
