// Value formats GitHub's REST API uses in many objects.

/** Timestamps without milliseconds, like `2024-05-01T12:00:00Z`. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An opaque GraphQL-style node id: type prefix plus an encoded database id. */
export function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`sim:${id}`).toString('base64url')}`;
}
