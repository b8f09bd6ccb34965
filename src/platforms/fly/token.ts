// Reads a Fly token in every form users paste it, the way flyctl does, and says how to send it:
// macaroons as `FlyV1 <parts>`, anything else (old personal tokens) as `Bearer <parts>`.

/** How a Fly token goes to the Machines API and to flyctl. */
export interface FlyToken {
  /** The `Authorization` header value. */
  readonly authorization: string;
  /** The value of `FLY_API_TOKEN` for flyctl (which parses it the same way). */
  readonly envValue: string;
  readonly kind: 'macaroon' | 'bearer';
}

const macaroonPrefixes = ['fm1r_', 'fm1a_', 'fm2_'];

/** `FlyV1 fm2_a,fm2_b`, `fm2_a,fm2_b`, `Bearer abc` or `abc` → the header to send. */
export function parseFlyToken(raw: string): FlyToken {
  const bare = stripScheme(raw.trim());
  const parts = bare
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) throw new Error('The Fly token is empty');
  const macaroons = parts.filter((part) =>
    macaroonPrefixes.some((prefix) => part.startsWith(prefix)),
  );
  if (macaroons.length > 0) {
    const joined = macaroons.join(',');
    return { authorization: `FlyV1 ${joined}`, envValue: `FlyV1 ${joined}`, kind: 'macaroon' };
  }
  // Every other part goes in Bearer, joined with commas (fly-go tokens/tokens.go `Parse`,
  // `normalized`).
  const token = parts.join(',');
  return { authorization: `Bearer ${token}`, envValue: token, kind: 'bearer' };
}

function stripScheme(value: string): string {
  const match = /^(FlyV1|Bearer)(\s+|$)/i.exec(value);
  return match ? value.slice(match[0].length).trim() : value;
}
