// Error answers shaped like api.github.com's.

export interface SimResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const REST_DOCS_URL = 'https://docs.github.com/rest';

export function githubError(
  status: number,
  message: string,
  documentationUrl = REST_DOCS_URL,
  headers?: Readonly<Record<string, string>>,
): SimResponse {
  return {
    status,
    body: { message, documentation_url: documentationUrl, status: String(status) },
    ...(headers ? { headers } : {}),
  };
}

export function notFound(documentationUrl = REST_DOCS_URL): SimResponse {
  return githubError(404, 'Not Found', documentationUrl);
}

/** 422 for a request that breaks the operation's schema, worded like GitHub's. */
export function invalidRequest(problems: readonly string[], docsUrl: string): SimResponse {
  return githubError(422, `Invalid request.\n\n${problems.join('\n')}`, docsUrl);
}

/** 422 "Validation Failed" for a well-formed request GitHub still refuses. */
export function validationFailed(
  docsUrl: string,
  errors: ReadonlyArray<{ resource: string; field: string; code: string; message: string }>,
): SimResponse {
  return {
    status: 422,
    body: { message: 'Validation Failed', errors, documentation_url: docsUrl, status: '422' },
  };
}
