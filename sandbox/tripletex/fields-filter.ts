// The `fields` query parameter (brief §2): `*` is every field with sub-objects as {id,url}
// stubs, `a,b` only those, `customer(id,name)` / `orders(*,orderLines(*))` expand sub-objects.
// `changes` only appears when named. A name the model lacks gives 400 ([AINM]:
// `fields=*,payments(*)` on /invoice).
import { illegalField } from './api-error';
import { MODEL_FIELDS } from './model-fields';

/** A reference from one record to another, expanded or stubbed by the filter. */
export interface Ref { readonly __ref: true; readonly model: string; readonly id: number }
export function ref(model: string, id: number | null | undefined): Ref | null {
  return id === null || id === undefined ? null : { __ref: true, model, id };
}
function isRef(value: unknown): value is Ref {
  return typeof value === 'object' && value !== null && (value as { __ref?: unknown }).__ref === true;
}

export interface Selection { all: boolean; fields: Map<string, Selection | null> }

export interface SerializeContext {
  /** Full object of a model (sub-objects as Refs), or undefined when it cannot be expanded. */
  resolve(model: string, id: number): Record<string, unknown> | undefined;
  url(model: string, id: number): string;
}

const STAR: Selection = { all: true, fields: new Map() };

export function parseFields(expression: string | undefined): Selection {
  if (expression === undefined || expression.trim() === '') return STAR;
  let pos = 0;
  const text = expression.replace(/\s+/g, '');
  function parseList(): Selection {
    const sel: Selection = { all: false, fields: new Map() };
    while (pos < text.length && text[pos] !== ')') {
      let name = '';
      while (pos < text.length && !',()'.includes(text[pos] ?? '')) name += text[pos++] ?? '';
      let sub: Selection | null = null;
      if (text[pos] === '(') {
        pos += 1;
        sub = parseList();
        if (text[pos] !== ')') throw illegalField(text, 'fields');
        pos += 1;
      }
      if (name === '*') sel.all = true;
      else if (name !== '') {
        // `a.b` is shorthand for `a(b)`.
        const [head = '', ...rest] = name.split('.');
        let nested: Selection | null = sub;
        for (const part of rest.reverse()) nested = { all: false, fields: new Map([[part, nested]]) };
        const prev = sel.fields.get(head);
        sel.fields.set(head, mergeSel(prev ?? null, nested));
      }
      if (text[pos] === ',') pos += 1;
    }
    return sel;
  }
  const result = parseList();
  if (pos !== text.length) throw illegalField(text, 'fields');
  return result;
}

function mergeSel(a: Selection | null, b: Selection | null): Selection | null {
  if (a === null) return b;
  if (b === null) return a;
  const fields = new Map(a.fields);
  for (const [k, v] of b.fields) fields.set(k, mergeSel(fields.get(k) ?? null, v));
  return { all: a.all || b.all, fields };
}

type FieldTable = Record<string, string | null>;
function tableOf(model: string): FieldTable | undefined {
  return (MODEL_FIELDS as Record<string, FieldTable>)[model];
}

/** Throws 400 for a name the model (or an expanded sub-model) lacks. */
export function validateSelection(model: string, sel: Selection): void {
  const table = tableOf(model);
  if (!table) return; // a model the sandbox never fills (always null): nothing to check against
  for (const [name, sub] of sel.fields) {
    if (!(name in table)) throw illegalField(name, `${model}DTO`);
    const target = table[name];
    if (sub !== null) {
      if (target === null || target === undefined) throw illegalField(`${name}(...)`, `${model}DTO`);
      validateSelection(target.replace(/\[\]$/, ''), sub);
    }
  }
}

export function applyFields(model: string, full: Record<string, unknown>, sel: Selection, ctx: SerializeContext): Record<string, unknown> {
  const table = tableOf(model);
  const order = table ? Object.keys(table) : Object.keys(full);
  const out: Record<string, unknown> = {};
  for (const name of order) {
    if (!(name in full)) continue;
    const named = sel.fields.has(name);
    if (!named && !(sel.all && name !== 'changes')) continue;
    out[name] = project(full[name], named ? sel.fields.get(name) ?? null : null, ctx);
  }
  return out;
}

function project(value: unknown, sub: Selection | null, ctx: SerializeContext): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, sub, ctx));
  if (!isRef(value)) return value;
  if (sub === null) return { id: value.id, url: ctx.url(value.model, value.id) };
  const resolved = ctx.resolve(value.model, value.id);
  if (!resolved) return { id: value.id, url: ctx.url(value.model, value.id) };
  return applyFields(value.model, resolved, sub, ctx);
}
