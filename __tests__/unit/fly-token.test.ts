import { describe, expect, it } from 'vitest';
import { parseFlyToken } from '../../src/platforms/fly/token.js';

describe('parseFlyToken', () => {
  it('sends macaroons as FlyV1 with every part, whatever prefix the user pasted', () => {
    for (const raw of [
      'FlyV1 fm2_abc,fm2_def',
      'fm2_abc,fm2_def',
      'Bearer fm2_abc, fm2_def',
      '  FlyV1   fm2_abc,fm2_def\n',
    ]) {
      expect(parseFlyToken(raw)).toEqual({
        authorization: 'FlyV1 fm2_abc,fm2_def',
        envValue: 'FlyV1 fm2_abc,fm2_def',
        kind: 'macaroon',
      });
    }
  });

  it('recognizes every macaroon prefix and drops empty parts', () => {
    expect(parseFlyToken('fm1r_one,,fm1a_two,').authorization).toBe('FlyV1 fm1r_one,fm1a_two');
  });

  it('sends any other token as Bearer', () => {
    expect(parseFlyToken('Bearer personal-token-123')).toEqual({
      authorization: 'Bearer personal-token-123',
      envValue: 'personal-token-123',
      kind: 'bearer',
    });
    expect(parseFlyToken('personal-token-123').authorization).toBe('Bearer personal-token-123');
  });

  it('joins every non-macaroon part in Bearer with commas, as fly-go does', () => {
    expect(parseFlyToken('tok_one, tok_two')).toEqual({
      authorization: 'Bearer tok_one,tok_two',
      envValue: 'tok_one,tok_two',
      kind: 'bearer',
    });
  });

  it('refuses an empty token', () => {
    expect(() => parseFlyToken('FlyV1 ')).toThrow('The Fly token is empty');
  });
});
