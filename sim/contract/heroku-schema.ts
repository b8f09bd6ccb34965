// Validates Heroku API request bodies and responses against Heroku's official hyper-schema,
// so the simulator cannot drift from the real API.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const SCHEMA_ID = 'http://api.heroku.com/schema';
// The repository's own copy (see specs/README.md): nothing is read from outside the repository.
export const HEROKU_SCHEMA_PATH = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'specs',
  'heroku-platform-api-schema.json',
);

/** A link of the hyper-schema, named the way the Heroku reference names it. */
export interface HerokuLinkRef {
  readonly resource: string;
  readonly title: string;
}

interface LinkShape {
  readonly title?: unknown;
  readonly schema?: unknown;
  readonly targetSchema?: unknown;
}

type Part = 'schema' | 'targetSchema';

let shared: HerokuContract | undefined;

/**
 * One contract per process: compiling the hyper-schema costs about half a second of CPU, and
 * a simulator that paid it on its first request stalled every other lane in its process. The
 * contract holds only compiled validators, so simulators can share it.
 */
export function sharedHerokuContract(): HerokuContract {
  shared ??= new HerokuContract();
  return shared;
}

export class HerokuContract {
  private document: Record<string, unknown> | undefined;
  private requestAjv: AjvDraft04.default | undefined;
  private responseAjv: AjvDraft04.default | undefined;
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor(private readonly schemaPath: string = HEROKU_SCHEMA_PATH) {}

  /** Problems with a request body, empty when it is valid (or the link takes no body). */
  validateRequest(link: HerokuLinkRef, body: unknown): string[] {
    return this.validate(link, 'schema', body);
  }

  /** Problems with a response body, empty when it matches the link's targetSchema. */
  validateResponse(link: HerokuLinkRef, body: unknown): string[] {
    return this.validate(link, 'targetSchema', body);
  }

  private validate(link: HerokuLinkRef, part: Part, body: unknown): string[] {
    const validator = this.validator(link, part);
    if (!validator || validator(body)) return [];
    return (validator.errors ?? []).map(describeError);
  }

  private validator(link: HerokuLinkRef, part: Part): ValidateFunction | null {
    const key = `${link.resource}\n${link.title}\n${part}`;
    const cached = this.compiled.get(key);
    if (cached !== undefined) return cached;
    const index = this.linkIndex(link);
    const links = this.links(link.resource);
    const found = links[index]?.[part] !== undefined;
    const ajv = part === 'schema' ? this.requestValidator() : this.responseValidator();
    const ref = `${SCHEMA_ID}#/definitions/${link.resource}/links/${index}/${part}`;
    const validator = found ? ajv.compile({ $ref: ref }) : null;
    this.compiled.set(key, validator);
    return validator;
  }

  private linkIndex(link: HerokuLinkRef): number {
    const index = this.links(link.resource).findIndex((entry) => entry.title === link.title);
    if (index < 0) throw new Error(`Heroku schema has no link "${link.title}" on ${link.resource}`);
    return index;
  }

  private links(resource: string): LinkShape[] {
    const definitions = this.load().definitions;
    if (!isRecord(definitions)) throw new Error('Heroku schema has no definitions');
    const definition = definitions[resource];
    if (!isRecord(definition) || !Array.isArray(definition.links)) {
      throw new Error(`Heroku schema has no resource ${resource}`);
    }
    return definition.links.filter(isRecord);
  }

  private load(): Record<string, unknown> {
    if (this.document) return this.document;
    // `example` values are annotations; Ajv's id scan would mistake their `id` keys for
    // schema ids, so they are dropped.
    const parsed: unknown = JSON.parse(fs.readFileSync(this.schemaPath, 'utf8'), (key, value) =>
      key === 'example' ? undefined : (value as unknown),
    );
    if (!isRecord(parsed)) throw new Error(`${this.schemaPath} is not a JSON object`);
    allowLocalRouterUrls(parsed);
    this.document = parsed;
    return parsed;
  }

  private requestValidator(): AjvDraft04.default {
    this.requestAjv ??= this.newAjv(false);
    return this.requestAjv;
  }

  private responseValidator(): AjvDraft04.default {
    this.responseAjv ??= this.newAjv(true);
    return this.responseAjv;
  }

  /**
   * Responses are held to interagent's `strictProperties` (no property the schema does not
   * define) to catch typos in the simulator; requests are not, since Heroku accepts partial
   * objects there.
   */
  private newAjv(strictResponses: boolean): AjvDraft04.default {
    const ajv = new AjvDraft04.default({ strict: false, validateSchema: false, allErrors: true });
    addFormats.default(ajv);
    if (strictResponses) {
      ajv.addKeyword({ keyword: 'strictProperties', schemaType: 'boolean', validate: noExtras });
    }
    ajv.addSchema(this.load(), SCHEMA_ID);
    return ajv;
  }
}

/**
 * The one deliberate deviation: an app's routers run on 127.0.0.1, so `web_url` may also be
 * `http://127.0.0.1:<port>/` (still with the trailing slash Heroku's pattern demands).
 */
function allowLocalRouterUrls(document: Record<string, unknown>): void {
  const definitions = document.definitions;
  const app = isRecord(definitions) ? definitions.app : undefined;
  const appDefinitions = isRecord(app) ? app.definitions : undefined;
  const webUrl = isRecord(appDefinitions) ? appDefinitions.web_url : undefined;
  if (!isRecord(webUrl) || typeof webUrl.pattern !== 'string') {
    throw new Error('Heroku schema: app web_url has no pattern to extend');
  }
  webUrl.pattern = `(${webUrl.pattern})|^http://127\\.0\\.0\\.1:[0-9]+/$`;
}

function noExtras(enabled: boolean, data: unknown, parentSchema?: AnySchemaObject): boolean {
  if (!enabled || !isRecord(data) || !parentSchema || !isRecord(parentSchema.properties)) {
    return true;
  }
  const known = parentSchema.properties;
  const extra = Object.keys(data).filter((name) => !(name in known));
  if (extra.length === 0) return true;
  noExtras.errors = [{ keyword: 'strictProperties', message: `has unknown ${extra.join(', ')}` }];
  return false;
}
noExtras.errors = [] as Array<Partial<ErrorObject>>;

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(body)' : error.instancePath;
  return `${where} ${error.message ?? error.keyword}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
