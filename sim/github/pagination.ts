// Page slicing and `Link` headers the way api.github.com paginates list endpoints.

export interface Page<T> {
  readonly items: T[];
  /** The `Link` header value, absent when everything fits on one page. */
  readonly link?: string;
}

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

/**
 * One page of `all`. `perPage`/`page` are the request's (already type-checked) values;
 * GitHub caps per_page at 100 and treats a missing or non-positive value as the default.
 */
export function paginate<T>(
  all: readonly T[],
  request: { baseUrl: string; pathname: string; query: URLSearchParams },
  perPageParam: unknown,
  pageParam: unknown,
): Page<T> {
  const perPage = Math.min(positiveInt(perPageParam) ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
  const page = positiveInt(pageParam) ?? 1;
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  if (lastPage === 1 && page === 1) return { items };

  const pageUrl = (n: number): string => {
    const query = new URLSearchParams(request.query);
    query.set('page', String(n));
    return `<${request.baseUrl}${request.pathname}?${query.toString()}>`;
  };
  // Same relations and order as GitHub: prev, next, last, first.
  const links: string[] = [];
  if (page > 1) links.push(`${pageUrl(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) {
    links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(lastPage)}; rel="last"`);
  }
  if (page > 1) links.push(`${pageUrl(1)}; rel="first"`);
  return { items, link: links.join(', ') };
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
