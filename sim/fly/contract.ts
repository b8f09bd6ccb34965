// Validates Machines API traffic against Fly's official OpenAPI document: the path and method
// exist, path/query/header parameters fit, JSON bodies match the request schema, and the
// simulator's JSON answers match the response schema, so it cannot drift from the real API.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const DOCUMENT_ID = 'https://api.machines.dev/openapi.json';
// The repository's own copy (see sim/contract/specs/README.md), never a path outside it.
export const FLY_OPENAPI_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'contract',
  'specs',
  'fly-machines-openapi.json',
);

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: Record<string, unknown>;
}

/** One operation of the document, matched against a request. */
export interface OperationMatch {
  readonly operationId: string;
  /** The path template, e.g. `/apps/{app_name}/machines/{machine_id}`. */
  readonly template: string;
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
}

interface OperationEntry {
  readonly operationId: string;
  readonly template: string;
  readonly method: string;
  readonly pattern: RegExp;
  readonly paramNames: readonly string[];
  readonly literalSegments: number;
  readonly parameters: readonly Parameter[];
  readonly hasBody: boolean;
  readonly bodyRequired: boolean;
}

export interface RequestFacts {
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/** Query parameters Fly accepts beyond the document (flyctl filters machines by metadata). */
const EXTRA_QUERY = /^metadata\.[A-Za-z0-9_.-]+$/;

let shared: FlyContract | undefined;

/** One contract per process, as for Heroku's: it holds only compiled validators, and each
 * simulator compiling its own made every first request of a lane pay for it again. */
export function sharedFlyContract(): FlyContract {
  shared ??= new FlyContract();
  return shared;
}

export class FlyContract {
  private readonly document: Record<string, unknown>;
  private readonly ajv: Ajv;
  private readonly operations: OperationEntry[];
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor(documentPath: string = FLY_OPENAPI_PATH) {
    const parsed: unknown = JSON.parse(fs.readFileSync(documentPath, 'utf8'));
    if (!isRecord(parsed) || !isRecord(parsed.paths)) {
      throw new Error(`${documentPath} is not an OpenAPI document`);
    }
    this.document = parsed;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(this.ajv);
    this.ajv.addSchema(parsed, DOCUMENT_ID);
    this.operations = indexOperations(parsed.paths);
  }

  /** The operation for a request path below /v1, or undefined when the API has none. */
  match(method: string, apiPath: string): OperationMatch | undefined {
    const upper = method.toUpperCase();
    for (const entry of this.operations) {
      if (entry.method !== upper) continue;
      const found = entry.pattern.exec(apiPath);
      if (!found) continue;
      const params: Record<string, string> = {};
      entry.paramNames.forEach((name, index) => {
        params[name] = decodeURIComponent(found[index + 1] ?? '');
      });
      return { operationId: entry.operationId, template: entry.template, method: upper, params };
    }
    return undefined;
  }

  /** Whether some method serves this path (for telling 404 from 405). */
  knowsPath(apiPath: string): boolean {
    return this.operations.some((entry) => entry.pattern.test(apiPath));
  }

  /** Problems with a request to `operation`; empty when it fits the document. */
  validateRequest(operation: OperationMatch, facts: RequestFacts): string[] {
    const entry = this.entry(operation);
    const problems: string[] = [];
    for (const parameter of entry.parameters) {
      const value = parameterValue(parameter, operation, facts);
      if (value === undefined) {
        if (parameter.required)
          problems.push(`missing ${parameter.in} parameter ${parameter.name}`);
        continue;
      }
      const problem = checkScalar(parameter, value);
      if (problem) problems.push(problem);
    }
    const declared = new Set(entry.parameters.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of new Set(facts.query.keys())) {
      if (!declared.has(name) && !EXTRA_QUERY.test(name)) {
        problems.push(`unknown query parameter ${name}`);
      }
    }
    if (entry.hasBody) {
      if (facts.body === undefined) {
        if (entry.bodyRequired) problems.push('missing JSON request body');
      } else {
        problems.push(...this.validateBody(entry, 'request', facts.body));
      }
    }
    return problems;
  }

  /** Problems with a JSON answer; responses the document does not describe pass. */
  validateResponse(operation: OperationMatch, status: number, body: unknown): string[] {
    const entry = this.entry(operation);
    const key = this.responseKey(entry, status);
    if (key === undefined) return [];
    return this.validateBody(entry, key, body);
  }

  private validateBody(entry: OperationEntry, part: string, body: unknown): string[] {
    const validator = this.validator(entry, part);
    if (!validator || validator(body)) return [];
    return (validator.errors ?? []).map(describeError);
  }

  /** The documented status to check an answer against: its own, else a documented 2xx. */
  private responseKey(entry: OperationEntry, status: number): string | undefined {
    const responses = this.operationObject(entry).responses;
    if (!isRecord(responses)) return undefined;
    const has = (code: string): boolean => jsonSchemaOf(responses[code]) !== undefined;
    if (has(String(status))) return `responses/${status}`;
    if (status >= 200 && status < 300) {
      const success = Object.keys(responses).find((code) => /^2\d\d$/.test(code) && has(code));
      if (success) return `responses/${success}`;
    }
    return undefined;
  }

  private validator(entry: OperationEntry, part: string): ValidateFunction | null {
    const key = `${entry.method} ${entry.template} ${part}`;
    const cached = this.compiled.get(key);
    if (cached !== undefined) return cached;
    const pointer =
      `#/paths/${escapePointer(entry.template)}/${entry.method.toLowerCase()}/` +
      (part === 'request'
        ? 'requestBody/content/application~1json/schema'
        : `${part}/content/application~1json/schema`);
    const validator = this.ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
    this.compiled.set(key, validator);
    return validator;
  }

  private entry(operation: OperationMatch): OperationEntry {
    const entry = this.operations.find(
      (candidate) =>
        candidate.template === operation.template && candidate.method === operation.method,
    );
    if (!entry) throw new Error(`no operation ${operation.method} ${operation.template}`);
    return entry;
  }

  private operationObject(entry: OperationEntry): Record<string, unknown> {
    const paths = this.document.paths as Record<string, unknown>;
    const item = paths[entry.template];
    const operation = isRecord(item) ? item[entry.method.toLowerCase()] : undefined;
    return isRecord(operation) ? operation : {};
  }
}

function indexOperations(paths: Record<string, unknown>): OperationEntry[] {
  const entries: OperationEntry[] = [];
  for (const [template, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters.filter(isParameter) : [];
    for (const [method, operation] of Object.entries(item)) {
      if (method === 'parameters' || !isRecord(operation)) continue;
      const own = Array.isArray(operation.parameters)
        ? operation.parameters.filter(isParameter)
        : [];
      const paramNames: string[] = [];
      const source = template
        .split('/')
        .map((segment) => {
          const param = /^\{(.+)\}$/.exec(segment);
          if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          paramNames.push(param[1]);
          return '([^/]+)';
        })
        .join('/');
      const requestBody = isRecord(operation.requestBody) ? operation.requestBody : undefined;
      entries.push({
        operationId: typeof operation.operationId === 'string' ? operation.operationId : method,
        template,
        method: method.toUpperCase(),
        pattern: new RegExp(`^${source}/?$`),
        paramNames,
        literalSegments: template.split('/').filter((s) => s && !s.startsWith('{')).length,
        parameters: [...shared, ...own],
        hasBody: requestBody !== undefined && jsonSchemaOf(requestBody) !== undefined,
        bodyRequired: requestBody?.required === true,
      });
    }
  }
  // Literal segments win over parameters, as in any router.
  return entries.sort((a, b) => b.literalSegments - a.literalSegments);
}

function parameterValue(
  parameter: Parameter,
  operation: OperationMatch,
  facts: RequestFacts,
): string | undefined {
  if (parameter.in === 'path') return operation.params[parameter.name];
  if (parameter.in === 'query') return facts.query.get(parameter.name) ?? undefined;
  if (parameter.in === 'header') {
    const value = facts.headers[parameter.name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
}

/** Checks a parameter's string form against its (scalar) schema. */
function checkScalar(parameter: Parameter, value: string): string | undefined {
  const schema = parameter.schema ?? {};
  const where = `${parameter.in} parameter ${parameter.name}=${JSON.stringify(value)}`;
  if (schema.type === 'boolean' && value !== 'true' && value !== 'false') {
    return `${where} is not a boolean`;
  }
  if (schema.type === 'integer' && !/^-?\d+$/.test(value)) return `${where} is not an integer`;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    return `${where} is not one of ${schema.enum.join(', ')}`;
  }
  if (parameter.in === 'path' && value === '') return `${where} is empty`;
  return undefined;
}

function jsonSchemaOf(holder: unknown): unknown {
  if (!isRecord(holder) || !isRecord(holder.content)) return undefined;
  const json = holder.content['application/json'];
  return isRecord(json) ? json.schema : undefined;
}

function isParameter(value: unknown): value is Parameter {
  return isRecord(value) && typeof value.name === 'string' && typeof value.in === 'string';
}

function escapePointer(segment: string): string {
  return segment
    .replace(/~/g, '~0')
    .replace(/\//g, '~1')
    .replace(/\{/g, '%7B')
    .replace(/\}/g, '%7D');
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(body)' : error.instancePath;
  return `${where} ${error.message ?? error.keyword}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
