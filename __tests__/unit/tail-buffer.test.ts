import { describe, expect, it } from 'vitest';
import { capLine, MAX_LINE_CHARS, TailBuffer } from '../../src/io/tail-buffer.js';

describe('TailBuffer', () => {
  it('keeps only the last maxLines lines, oldest dropped first', () => {
    const tail = new TailBuffer(3);
    for (const line of ['a', 'b', 'c', 'd', 'e']) tail.push(line);
    expect(tail.lines()).toEqual(['c', 'd', 'e']);
    expect(tail.size).toBe(3);
  });

  it('cuts a line longer than the cap and says how much was cut', () => {
    const tail = new TailBuffer(1);
    tail.push('x'.repeat(MAX_LINE_CHARS + 10));
    const [line] = tail.lines();
    expect(line?.startsWith('x'.repeat(MAX_LINE_CHARS))).toBe(true);
    expect(line).toMatch(/\[10 more characters cut\]$/);
  });

  it('leaves a line at the cap untouched', () => {
    expect(capLine('abc', 3)).toBe('abc');
    expect(capLine('abcd', 3)).toBe('abc … [1 more characters cut]');
  });
});
