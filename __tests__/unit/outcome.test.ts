import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/io/errors.js';
import { platformMayHaveActed } from '../../src/platforms/kit/outcome.js';

const answered = (status: number): HttpError =>
  new HttpError('POST', 'https://api.example/x', status, undefined, `answered ${status}`);

describe('platformMayHaveActed (one rule for Heroku and Fly)', () => {
  it.each([
    { what: 'a garbled 2xx', error: answered(201), acted: true },
    { what: 'a 200 cut short', error: answered(200), acted: true },
    { what: 'no answer (reset, timeout)', error: answered(0), acted: true },
    { what: 'a 3xx', error: answered(302), acted: true },
    { what: 'a 500', error: answered(500), acted: true },
    { what: 'a 503', error: answered(503), acted: true },
    { what: 'a 400', error: answered(400), acted: false },
    { what: 'a 404', error: answered(404), acted: false },
    { what: 'a 422', error: answered(422), acted: false },
    { what: 'a 429', error: answered(429), acted: false },
    { what: 'anything else thrown', error: new Error('socket hang up'), acted: true },
  ])('$what: acted = $acted', ({ error, acted }) => {
    expect(platformMayHaveActed(error)).toBe(acted);
  });
});
