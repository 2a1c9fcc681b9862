/**
 * Validates requests and responses against Tripletex's real OpenAPI spec (3.0.1, 2.72.00,
 * shared/reference/tripletex-openapi.json, or $TRIPLETEX_OPENAPI_SPEC).
 *
 * - Lazy: the 2 MB spec is parsed on first use and each schema is compiled by Ajv (from
 *   openapi-backend's dependencies) only when an operation needs it, so a test pays for the few
 *   operations it touches, not for all 1,849 schemas.
 * - Stricter than the spec on extra fields: component objects get `additionalProperties: false`
 *   (unless they declare it), so a misspelt field in a request or a sandbox response is caught.
 * - Looser than the spec on null: the spec marks nothing nullable, yet the real API returns null
 *   for unset fields (e.g. `validationMessages: null` in the brief's 401 body, §1), so a property
 *   whose value is null is treated as absent.
 * - readOnly is an annotation only: the real API returns readOnly fields, and clients echo them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;
interface Parameter { name: string; in: string; required?: boolean; schema?: Json }
interface Operation { operationId?: string; parameters?: Parameter[]; requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> }; responses?: Record<string, { content?: Record<string, { schema?: Json }> }> }
interface Spec { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } }

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_SPEC_PATH = path.resolve(here, '../../../shared/reference/tripletex-openapi.json');

/** Query parameters every endpoint takes in practice although some operations' specs omit them. */
const ALWAYS_ALLOWED_QUERY = new Set(['fields']);

let loaded: { spec: Spec; ajv: Ajv; cache: Map<string, ValidateFunction>; templates: Array<{ template: string; segments: string[] }> } | null = null;

function load() {
  if (loaded) return loaded;
  const file = process.env.TRIPLETEX_OPENAPI_SPEC ?? DEFAULT_SPEC_PATH;
  const spec = JSON.parse(readFileSync(file, 'utf8')) as Spec;
  const schemas: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(spec.components.schemas)) schemas[name] = closeObjects(schema);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  ajv.addSchema({ $id: 'tripletex', components: { schemas } });
  const templates = Object.keys(spec.paths).map((template) => ({ template, segments: template.split('/').filter((s) => s !== '') }));
  loaded = { spec, ajv, cache: new Map(), templates };
  return loaded;
}

/** additionalProperties:false on every object schema with properties that does not say otherwise. */
function closeObjects(schema: Json): Json {
  const out: Json = { ...schema };
  if (out.properties && typeof out.properties === 'object') {
    const props: Json = {};
    for (const [k, v] of Object.entries(out.properties as Json)) props[k] = closeObjects(v as Json);
    out.properties = props;
    if (out.additionalProperties === undefined) out.additionalProperties = false;
  }
  if (out.items && typeof out.items === 'object') out.items = closeObjects(out.items as Json);
  return out;
}

function validatorFor(schema: Json): ValidateFunction {
  const { ajv, cache } = load();
  const ref = typeof schema.$ref === 'string' ? schema.$ref : null;
  const key = ref ?? JSON.stringify(schema);
  let v = cache.get(key);
  if (!v) {
    v = ajv.compile(ref ? { $ref: `tripletex${ref}` } : (rewriteRefs(closeObjects(schema)) as Json));
    cache.set(key, v);
  }
  return v;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) out[k] = k === '$ref' && typeof v === 'string' ? `tripletex${v}` : rewriteRefs(v);
  return out;
}

/** Null-valued properties count as absent (see the file comment). */
function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) if (v !== null) out[k] = stripNulls(v);
  return out;
}

function errorsOf(v: ValidateFunction, where: string): string[] {
  return (v.errors ?? []).map((e) => `${where}${e.instancePath || '/'} ${e.message ?? 'invalid'}${e.keyword === 'additionalProperties' ? `: ${String((e.params as { additionalProperty?: string }).additionalProperty)}` : ''}`);
}

/** Path relative to /v2, decoded (`%3E` → `>`). Accepts a full URL path such as "/v2/invoice". */
function normalisePath(p: string): string {
  let rel = p.split('?')[0] ?? '';
  if (rel.startsWith('http')) rel = new URL(rel).pathname;
  if (rel.startsWith('/v2/') || rel === '/v2') rel = rel.slice(3);
  return rel.split('/').map((s) => { try { return decodeURIComponent(s); } catch { return s; } }).join('/');
}

export interface OperationMatch { template: string; method: string; operation: Operation; pathParams: Record<string, string> }

/** The spec operation for a method and path; literal segments win over `{param}`. */
export function findOperation(method: string, requestPath: string): OperationMatch | null {
  const { spec, templates } = load();
  const segments = normalisePath(requestPath).split('/').filter((s) => s !== '');
  const m = method.toLowerCase();
  let best: { match: OperationMatch; literals: number } | null = null;
  for (const t of templates) {
    if (t.segments.length !== segments.length) continue;
    const operation = spec.paths[t.template]?.[m];
    if (!operation) continue;
    const pathParams: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    t.segments.forEach((s, i) => {
      const actual = segments[i] ?? '';
      if (s.startsWith('{') && s.endsWith('}')) pathParams[s.slice(1, -1)] = actual;
      else if (s === actual) literals += 1;
      else ok = false;
    });
    if (ok && (!best || literals > best.literals)) best = { match: { template: t.template, method: m, operation, pathParams }, literals };
  }
  return best?.match ?? null;
}

function checkParamValue(p: Parameter, value: string): string | null {
  const schema = p.schema ?? {};
  const type = schema.type;
  if (type === 'integer' && !/^-?\d+$/.test(value)) return `${p.in} parameter ${p.name}: "${value}" is not an integer`;
  if (type === 'number' && !Number.isFinite(Number(value))) return `${p.in} parameter ${p.name}: "${value}" is not a number`;
  if (type === 'boolean' && value !== 'true' && value !== 'false') return `${p.in} parameter ${p.name}: "${value}" is not a boolean`;
  if (Array.isArray(schema.enum) && !value.split(',').every((v) => (schema.enum as unknown[]).includes(v))) {
    return `${p.in} parameter ${p.name}: "${value}" is not one of ${JSON.stringify(schema.enum)}`;
  }
  return null;
}

export interface ContractRequest { method: string; path: string; query?: Record<string, string>; body?: unknown }

/** Violations of the operation's parameters and request body schema (empty when valid). */
export function validateRequest(req: ContractRequest): string[] {
  const match = findOperation(req.method, req.path);
  if (!match) return [`${req.method} ${req.path}: no such operation in the spec`];
  const where = `${req.method.toUpperCase()} ${match.template}`;
  const violations: string[] = [];
  const params = match.operation.parameters ?? [];
  const query = req.query ?? {};
  for (const p of params) {
    const value = p.in === 'query' ? query[p.name] : p.in === 'path' ? match.pathParams[p.name] : undefined;
    if (p.in !== 'query' && p.in !== 'path') continue;
    if (value === undefined || value === '') {
      if (p.required) violations.push(`${where}: missing required ${p.in} parameter ${p.name}`);
      continue;
    }
    const problem = checkParamValue(p, value);
    if (problem) violations.push(`${where}: ${problem}`);
  }
  // The real API ignores unknown query parameters, which silently turns a misspelt filter into
  // "return everything" (brief §2), so they are violations here.
  const known = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of Object.keys(query)) {
    if (!known.has(name) && !ALWAYS_ALLOWED_QUERY.has(name)) violations.push(`${where}: unknown query parameter ${name}`);
  }
  const bodySpec = match.operation.requestBody;
  const hasBody = req.body !== undefined && req.body !== null && req.body !== '';
  if (!bodySpec) {
    if (hasBody) violations.push(`${where}: takes no request body (action endpoints use query parameters, brief §10)`);
    return violations;
  }
  if (!hasBody) {
    if (bodySpec.required) violations.push(`${where}: missing request body`);
    return violations;
  }
  const schema = Object.values(bodySpec.content ?? {})[0]?.schema;
  if (schema) {
    const v = validatorFor(schema);
    if (!v(stripNulls(req.body))) violations.push(...errorsOf(v, `${where} request body`));
  }
  return violations;
}

export interface ContractResponse { method: string; path: string; status: number; body: unknown }

/** Violations of the response body: the operation's `default` (or status) schema for 2xx, ApiError for errors. */
export function validateResponse(res: ContractResponse): string[] {
  const match = findOperation(res.method, res.path);
  if (!match) return [`${res.method} ${res.path}: no such operation in the spec`];
  const where = `${res.method.toUpperCase()} ${match.template} → ${res.status}`;
  let schema: Json | undefined;
  if (res.status >= 400) schema = { $ref: '#/components/schemas/ApiError' };
  else if (res.status >= 200 && res.status < 300) {
    const responses = match.operation.responses ?? {};
    const entry = responses[String(res.status)] ?? responses.default;
    schema = entry?.content ? Object.values(entry.content)[0]?.schema : undefined;
    if (res.status === 204) return [];
  } else return [];
  if (!schema) return [];
  if (res.body === null || res.body === undefined || typeof res.body !== 'object') return [`${where}: body is not a JSON object`];
  const v = validatorFor(schema);
  return v(stripNulls(res.body)) ? [] : errorsOf(v, `${where} response body`);
}
