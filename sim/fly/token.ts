// Fly API tokens in the forms users have them, and the Authorization header Fly expects for
// each: macaroon tokens (fm1r_, fm1a_, fm2_) as `FlyV1 <parts joined by ,>`, anything else
// (legacy personal tokens) as `Bearer <token>`.

const MACAROON_PREFIXES = ['fm1r_', 'fm1a_', 'fm2_'];

/** The token's parts without a `FlyV1 ` / `Bearer ` prefix, split on commas. */
export function tokenParts(token: string): string[] {
  const bare = token.trim().replace(/^(FlyV1|Bearer)\s+/i, '');
  return bare
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function isMacaroon(part: string): boolean {
  return MACAROON_PREFIXES.some((prefix) => part.startsWith(prefix));
}

/** The Authorization header value flyctl sends for `token` to the Machines API (fly-go
 * tokens/tokens.go `FlapsHeader` → `normalized`): with any macaroon part, `FlyV1` and the
 * macaroons alone; without, `Bearer` and every other part joined with commas. */
export function authorizationFor(token: string): string {
  const parts = tokenParts(token);
  const macaroons = parts.filter(isMacaroon);
  if (macaroons.length > 0) return `FlyV1 ${macaroons.join(',')}`;
  return `Bearer ${parts.join(',')}`;
}
