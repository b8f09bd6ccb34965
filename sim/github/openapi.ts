// Checks the simulator's traffic against GitHub's official OpenAPI description
// (@octokit/openapi), so the simulator cannot drift from the real REST API unnoticed.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export interface ParameterContract {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly schema: unknown;
}

export interface OperationContract {
  readonly method: string;
  readonly template: string;
  readonly operationId: string;
  readonly docsUrl: string;
  readonly parameters: readonly ParameterContract[];
  readonly requestBody?: { readonly required: boolean; readonly schema: unknown };
  /** JSON response schema by status code ('200', 'default', ...). */
  readonly responses: Readonly<Record<string, unknown>>;
}

/** The part of the 70 MB description the simulator needs. */
interface SpecExtract {
  readonly operations: readonly OperationContract[];
  /** 'GET /repos/{owner}/{repo}', ... for every operation GitHub has. */
  readonly routes: readonly string[];
}

export interface RequestCheck {
  /** Human-readable problems, empty when the request matches the contract. */
  readonly problems: string[];
  /** Path and query parameters, coerced to the types their schemas declare. */
  readonly params: Record<string, unknown>;
}

const SPEC_FILE = '@octokit/openapi/generated/api.github.com.deref.json';
// Part of the cache key: bump when `extractOperations` changes what it keeps.
const EXTRACT_FORMAT = 1;

// ajv-formats is CommonJS with `exports.default`; NodeNext sees the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export class GitHubContract {
  private readonly byRoute = new Map<string, OperationContract>();
  private readonly knownRoutes: ReadonlyArray<{ method: string; pattern: RegExp }>;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly bodyAjv = newAjv(false);
  private readonly paramAjv = newAjv(true);

  constructor(extract: SpecExtract) {
    for (const op of extract.operations) this.byRoute.set(`${op.method} ${op.template}`, op);
    this.knownRoutes = extract.routes.map((route) => {
      const [method = '', template = ''] = route.split(' ');
      return { method, pattern: templatePattern(template) };
    });
  }

  operation(method: string, template: string): OperationContract {
    const op = this.byRoute.get(`${method} ${template}`);
    if (!op) throw new Error(`GitHub's OpenAPI has no operation ${method} ${template}`);
    return op;
  }

  /** Whether GitHub has any operation for this method and concrete path. */
  hasRoute(method: string, pathname: string): boolean {
    return this.knownRoutes.some((r) => r.method === method && r.pattern.test(pathname));
  }

  checkRequest(
    op: OperationContract,
    pathParams: Readonly<Record<string, string>>,
    query: URLSearchParams,
    body: unknown,
  ): RequestCheck {
    const params: Record<string, unknown> = {};
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    for (const p of op.parameters) {
      const raw = p.in === 'path' ? pathParams[p.name] : query.get(p.name);
      if (raw !== undefined && raw !== null) params[p.name] = raw;
      properties[p.name] = p.schema;
      if (p.required) required.push(p.name);
    }
    const problems: string[] = [];
    const paramSchema = { type: 'object', properties, required };
    const checkParams = this.validator(`${op.operationId} params`, paramSchema, this.paramAjv);
    if (!checkParams(params)) problems.push(...describe(checkParams.errors, params));
    if (op.requestBody) {
      if (body === undefined) {
        if (op.requestBody.required) problems.push('A request body is required.');
      } else {
        const check = this.validator(`${op.operationId} body`, op.requestBody.schema);
        if (!check(body)) problems.push(...describe(check.errors, body));
      }
    }
    return { problems, params };
  }

  /** Problems of a JSON response; none when the contract has no schema for the status. */
  checkResponse(op: OperationContract, status: number, body: unknown): string[] {
    const key = String(status) in op.responses ? String(status) : 'default';
    const schema = op.responses[key];
    if (schema === undefined) return [];
    const check = this.validator(`${op.operationId} ${key}`, schema);
    return check(body) ? [] : describe(check.errors, body);
  }

  private validator(key: string, schema: unknown, ajv = this.bodyAjv): ValidateFunction {
    let check = this.validators.get(key);
    if (!check) {
      check = ajv.compile(toAjvSchema(schema) as object);
      this.validators.set(key, check);
    }
    return check;
  }
}

const loaded = new Map<string, Promise<GitHubContract>>();

/**
 * The contract for the given `METHOD /template` operations, loaded once per process. The
 * extract is cached under the temp dir, so only the first process pays for parsing 70 MB.
 */
export function loadGitHubContract(served: readonly string[]): Promise<GitHubContract> {
  const key = [...served].sort().join('\n');
  let loading = loaded.get(key);
  if (!loading) {
    loading = readExtract(served).then((extract) => new GitHubContract(extract));
    // A failed load (e.g. a missing package) reaches every waiting caller, then is retried.
    loading.catch(() => loaded.delete(key));
    loaded.set(key, loading);
  }
  return loading;
}

async function readExtract(served: readonly string[]): Promise<SpecExtract> {
  const specPath = createRequire(import.meta.url).resolve(SPEC_FILE);
  const info = await stat(specPath);
  const key = createHash('sha1')
    .update(JSON.stringify([EXTRACT_FORMAT, specPath, info.size, info.mtimeMs, [...served].sort()]))
    .digest('hex')
    .slice(0, 16);
  const cacheDir = path.join(os.tmpdir(), 'guarded-deploy-sim');
  const cacheFile = path.join(cacheDir, `github-openapi-${key}.json`);
  try {
    return JSON.parse(await readFile(cacheFile, 'utf8')) as SpecExtract;
  } catch {
    // Not cached yet (or half-written by a crash): build it below.
  }
  const spec: unknown = JSON.parse(await readFile(specPath, 'utf8'));
  const extract = extractOperations(spec, served);
  await mkdir(cacheDir, { recursive: true });
  // Write then rename, so parallel test processes never read a partial file.
  const partial = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(extract));
  await rename(partial, cacheFile);
  return extract;
}

function extractOperations(spec: unknown, served: readonly string[]): SpecExtract {
  const paths = asRecord(asRecord(spec).paths);
  const routes: string[] = [];
  for (const [template, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(asRecord(item))) {
      if (isRecord(op) && typeof op.operationId === 'string') {
        routes.push(`${method.toUpperCase()} ${template}`);
      }
    }
  }
  const operations = served.map((route): OperationContract => {
    const [method = '', template = ''] = route.split(' ');
    const op = asRecord(asRecord(paths[template])[method.toLowerCase()]);
    if (typeof op.operationId !== 'string') {
      throw new Error(`GitHub's OpenAPI has no operation ${route}`);
    }
    const parameters = (Array.isArray(op.parameters) ? op.parameters : [])
      .map(asRecord)
      .filter((p) => p.in === 'path' || p.in === 'query')
      .map((p) => ({
        name: String(p.name),
        in: p.in as 'path' | 'query',
        required: p.required === true,
        schema: p.schema ?? {},
      }));
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(asRecord(op.responses))) {
      const schema = jsonSchemaOf(response);
      if (schema !== undefined) responses[status] = schema;
    }
    const bodySchema = jsonSchemaOf(op.requestBody);
    return {
      method,
      template,
      operationId: op.operationId,
      docsUrl: stringOr(asRecord(op.externalDocs).url, 'https://docs.github.com/rest'),
      parameters,
      ...(bodySchema === undefined
        ? {}
        : {
            requestBody: {
              required: asRecord(op.requestBody).required === true,
              schema: bodySchema,
            },
          }),
      responses,
    };
  });
  return { operations, routes };
}

function jsonSchemaOf(holder: unknown): unknown {
  return asRecord(asRecord(asRecord(holder).content)['application/json']).schema;
}

/**
 * Adapts OpenAPI 3.0 schema quirks that Ajv reads differently from GitHub's intent:
 * `nullable` next to `enum` means null is allowed too, and a format-checked string whose
 * declared default is "" (e.g. `target_url`) is answered as "" when unset.
 */
function toAjvSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toAjvSchema);
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `properties` maps names to schemas; its keys are not keywords.
    out[key] =
      key === 'properties' && isRecord(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toAjvSchema(v)]))
        : toAjvSchema(value);
  }
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) {
    out.enum = [...(out.enum as unknown[]), null];
  }
  if (out.type === 'string' && typeof out.format === 'string' && out.default === '') {
    return { anyOf: [{ type: 'string', maxLength: 0 }, out] };
  }
  return out;
}

/** GitHub-style sentences for Ajv errors, e.g. `"ref" wasn't supplied.` */
function describe(errors: ErrorObject[] | null | undefined, data: unknown): string[] {
  return (errors ?? []).map((e) => {
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty?: unknown }).missingProperty);
      return `"${missing}" wasn't supplied.`;
    }
    const where = e.instancePath === '' ? 'body' : e.instancePath.slice(1);
    const value: unknown = 'data' in e ? e.data : data;
    return `For '${where}', ${JSON.stringify(value)} ${e.message ?? 'is invalid'}.`;
  });
}

function newAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, coerceTypes });
  addFormats(ajv);
  return ajv;
}

/** `/repos/{owner}/{repo}` → a pattern matching concrete paths of that template. */
export function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
