// Value formats GitHub's REST API uses in many objects.

/** Timestamps without milliseconds, like `2024-05-01T12:00:00Z`. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An opaque GraphQL-style node id: type prefix plus an encoded database id. */
export function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`sim:${id}`).toString('base64url')}`;
}

/** The API links of a `simple-user` at `user` (its API URL), as api.github.com spells them. */
export function userLinks(user: string): Record<string, string> {
  return {
    url: user,
    followers_url: `${user}/followers`,
    following_url: `${user}/following{/other_user}`,
    gists_url: `${user}/gists{/gist_id}`,
    starred_url: `${user}/starred{/owner}{/repo}`,
    subscriptions_url: `${user}/subscriptions`,
    organizations_url: `${user}/orgs`,
    repos_url: `${user}/repos`,
    events_url: `${user}/events{/privacy}`,
    received_events_url: `${user}/received_events`,
  };
}
