// GET/POST /customer, GET/PUT /customer/{id} (brief §4).
import { notFound, revisionConflict, validationError } from './api-error';
import { boolParam, intListParam, type Query } from './query';
import { authOf, checkBodyFields, list, resolve, single, type HandlerContext, type Route } from './route-context';
import { NORWAY_COUNTRY_ID } from './reference-data';
import type { AddressRecord, CustomerRecord } from './store';



function search(ctx: HandlerContext, q: Query): number[] {
  const companyId = authOf(ctx).company.id;
  const ids = intListParam(q, 'id');
  const numbers = intListParam(q, 'customerAccountNumber');
  const inactive = boolParam(q, 'isInactive') ?? false; // spec: isInactive defaults to false
  return ctx.store.customersOf(companyId).filter((c) =>
    (ids === undefined || ids.includes(c.id)) &&
    (numbers === undefined || numbers.includes(c.customerNumber)) &&
    (q.email === undefined || c.email === q.email) &&
    (q.invoiceEmail === undefined || c.invoiceEmail === q.invoiceEmail) &&
    (q.organizationNumber === undefined || c.organizationNumber === q.organizationNumber) &&
    // "Containing" search (brief §10: like searches are substring matches).
    (q.customerName === undefined || c.name.toLowerCase().includes(q.customerName.toLowerCase())) &&
    (q.phoneNumberMobile === undefined || c.phoneNumberMobile === q.phoneNumberMobile) &&
    c.isInactive === inactive,
  ).map((c) => c.id);
}

type Json = Record<string, unknown>;
function str(v: unknown): string { return typeof v === 'string' ? v : ''; }

function createAddress(ctx: HandlerContext, raw: unknown): number {
  const a = (raw && typeof raw === 'object' ? raw : {}) as Json;
  const country = a.country && typeof a.country === 'object' ? (a.country as Json).id : undefined;
  const rec: AddressRecord = {
    id: ctx.store.nextId('address'), addressLine1: str(a.addressLine1), addressLine2: str(a.addressLine2),
    postalCode: str(a.postalCode), city: str(a.city), countryId: typeof country === 'number' ? country : NORWAY_COUNTRY_ID,
  };
  ctx.store.addresses.set(rec.id, rec);
  return rec.id;
}

const SEND_METHODS = ['EMAIL', 'EHF', 'EFAKTURA', 'AVTALEGIRO', 'VIPPS', 'PAPER', 'MANUAL'];

function createCustomer(ctx: HandlerContext): CustomerRecord {
  const company = authOf(ctx).company;
  const body = ctx.req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationError([{ field: 'name', message: 'Kan ikke være null.' }]);
  }
  checkBodyFields('Customer', body);
  const b = body as Json;
  if (typeof b.name !== 'string' || b.name.trim() === '') throw validationError([{ field: 'name', message: 'Kan ikke være null.' }]);
  let customerNumber: number;
  if (b.customerNumber !== undefined && b.customerNumber !== null && b.customerNumber !== 0) {
    if (typeof b.customerNumber !== 'number' || !Number.isInteger(b.customerNumber) || b.customerNumber < 0) {
      throw validationError([{ field: 'customerNumber', message: 'Ugyldig kundenummer.' }]);
    }
    // Explicit numbers are stored as sent (brief §7.1); a duplicate is a 422 like product numbers
    // ("Produktnummeret X er i bruk.", [AINM]); the customer wording is modelled on that.
    if (ctx.store.customerNumberTaken(company.id, b.customerNumber)) {
      throw validationError([{ field: 'customerNumber', message: `Kundenummeret ${b.customerNumber} er i bruk.` }]);
    }
    customerNumber = b.customerNumber;
  } else {
    // Auto numbering from the company's counter, skipping numbers already taken (uncertain; an
    // explicit customer number does not move the counter, mirroring invoices, brief §7).
    customerNumber = company.nextCustomerNumber;
    while (ctx.store.customerNumberTaken(company.id, customerNumber)) customerNumber += 1;
    company.nextCustomerNumber = customerNumber + 1;
  }
  const language = b.language === undefined || b.language === null ? 'NO' : b.language;
  if (language !== 'NO' && language !== 'EN') throw validationError([{ field: 'language', message: 'Ugyldig språk.' }]);
  const sendMethod = b.invoiceSendMethod ?? 'EMAIL';
  if (typeof sendMethod !== 'string' || !SEND_METHODS.includes(sendMethod)) {
    throw validationError([{ field: 'invoiceSendMethod', message: 'Ugyldig verdi.' }]);
  }
  const rec: CustomerRecord = {
    id: ctx.store.nextId('customer'), version: 0, companyId: company.id, customerNumber, name: b.name,
    organizationNumber: str(b.organizationNumber), email: str(b.email), invoiceEmail: str(b.invoiceEmail),
    overdueNoticeEmail: str(b.overdueNoticeEmail), phoneNumber: str(b.phoneNumber), phoneNumberMobile: str(b.phoneNumberMobile),
    description: str(b.description), isPrivateIndividual: b.isPrivateIndividual === true, isInactive: b.isInactive === true,
    isSupplier: b.isSupplier === true, language, invoiceSendMethod: sendMethod,
    emailAttachmentType: typeof b.emailAttachmentType === 'string' ? b.emailAttachmentType : 'ATTACHMENT',
    invoicesDueIn: typeof b.invoicesDueIn === 'number' ? b.invoicesDueIn : 14,
    invoicesDueInType: typeof b.invoicesDueInType === 'string' ? b.invoicesDueInType : 'DAYS',
    singleCustomerInvoice: b.singleCustomerInvoice === true, website: str(b.website),
    discountPercentage: typeof b.discountPercentage === 'number' ? b.discountPercentage : 0,
    // [AINM]: POST /customer returns postal and physical address stubs even when only one was sent.
    postalAddressId: createAddress(ctx, b.postalAddress), physicalAddressId: createAddress(ctx, b.physicalAddress),
    deliveryAddressId: b.deliveryAddress ? createAddress(ctx, b.deliveryAddress) : null,
  };
  ctx.store.addCustomer(rec);
  return rec;
}

// ─── PUT /customer/{id}: partial update ([SPEC] Customer_put, "Partial object describing what should be updated") ───

/** Jackson coerces numeric strings ([ISSUE-118]); the same reading as invoicing.ts. */
const coerce = (v: unknown): unknown => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);
const invalid = (field: string) => validationError([{ field, message: 'Ugyldig verdi.' }]);

const STRING_FIELDS = [
  'name', 'organizationNumber', 'email', 'invoiceEmail', 'overdueNoticeEmail', 'phoneNumber', 'phoneNumberMobile', 'description', 'website',
] as const;
const BOOLEAN_FIELDS = ['isPrivateIndividual', 'isInactive', 'isSupplier', 'singleCustomerInvoice'] as const;
const ENUM_FIELDS = {
  language: ['NO', 'EN'],
  invoiceSendMethod: SEND_METHODS,
  emailAttachmentType: ['LINK', 'ATTACHMENT'],
  invoicesDueInType: ['DAYS', 'MONTHS', 'RECURRING_DAY_OF_MONTH'],
} as const satisfies Partial<Record<keyof CustomerRecord, readonly string[]>>;
const ADDRESS_TEXT_FIELDS = ['addressLine1', 'addressLine2', 'postalCode', 'city'] as const;

type CustomerPatch = Partial<Pick<CustomerRecord,
  typeof STRING_FIELDS[number] | typeof BOOLEAN_FIELDS[number] | keyof typeof ENUM_FIELDS | 'invoicesDueIn' | 'discountPercentage' | 'customerNumber'>>;
type AddressPatch = Partial<Omit<AddressRecord, 'id'>>;
type AddressField = 'postalAddress' | 'physicalAddress' | 'deliveryAddress';
const ADDRESS_FIELDS: readonly AddressField[] = ['postalAddress', 'physicalAddress', 'deliveryAddress'];

/**
 * The address fields present in a sub-object of the body. Modelled: the sub-object edits the
 * customer's own address in place (with or without its `id`, brief §4: "include the address id");
 * an `id` of another address is refused, since the sandbox does not model moving addresses.
 */
function addressPatch(raw: unknown, field: AddressField, currentId: number | null): AddressPatch | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(field);
  const a = raw as Json;
  const sentId = coerce(a.id);
  if (sentId !== undefined && sentId !== null && sentId !== 0 && sentId !== currentId) {
    throw validationError([{ field: `${field}.id`, message: 'Adressen tilhører ikke denne kunden.' }]);
  }
  const patch: AddressPatch = {};
  for (const k of ADDRESS_TEXT_FIELDS) {
    const v = a[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw invalid(`${field}.${k}`);
    patch[k] = v;
  }
  if (a.country !== undefined && a.country !== null) {
    const countryId = typeof a.country === 'object' ? coerce((a.country as Json).id) : undefined;
    if (typeof countryId !== 'number' || !Number.isInteger(countryId)) throw invalid(`${field}.country`);
    patch.countryId = countryId;
  }
  return patch;
}

/** The scalar fields present in the body, checked; null counts as absent (not changed). */
function customerPatch(b: Json): CustomerPatch {
  const patch: CustomerPatch = {};
  for (const k of STRING_FIELDS) {
    const v = b[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw invalid(k);
    patch[k] = v;
  }
  if (patch.name !== undefined && patch.name.trim() === '') throw validationError([{ field: 'name', message: 'Kan ikke være null.' }]);
  for (const k of BOOLEAN_FIELDS) {
    const v = b[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') throw invalid(k);
    patch[k] = v;
  }
  for (const [k, allowed] of Object.entries(ENUM_FIELDS) as Array<[keyof typeof ENUM_FIELDS, readonly string[]]>) {
    const v = b[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || !allowed.includes(v)) throw validationError([{ field: k, message: k === 'language' ? 'Ugyldig språk.' : 'Ugyldig verdi.' }]);
    patch[k] = v;
  }
  const dueIn = coerce(b.invoicesDueIn);
  if (dueIn !== undefined && dueIn !== null) {
    // [SPEC] invoicesDueIn: 0..10000.
    if (typeof dueIn !== 'number' || !Number.isInteger(dueIn) || dueIn < 0 || dueIn > 10000) throw invalid('invoicesDueIn');
    patch.invoicesDueIn = dueIn;
  }
  const discount = coerce(b.discountPercentage);
  if (discount !== undefined && discount !== null) {
    if (typeof discount !== 'number' || !Number.isFinite(discount)) throw invalid('discountPercentage');
    patch.discountPercentage = discount;
  }
  const number = coerce(b.customerNumber);
  // 0 or null leaves the number as it is (on POST, 0 means "assign one").
  if (number !== undefined && number !== null && number !== 0) {
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0) {
      throw validationError([{ field: 'customerNumber', message: 'Ugyldig kundenummer.' }]);
    }
    patch.customerNumber = number;
  }
  return patch;
}

/**
 * Only the fields present in the body change. A `version` in the body must be the stored one
 * (409/8000 otherwise, brief §2); without it the write always wins. Every check runs before
 * anything is stored. The version goes up by one only when something actually changed
 * (modelled on Hibernate's dirty checking; uncertain).
 */
function updateCustomer(ctx: HandlerContext, id: number): CustomerRecord {
  const company = authOf(ctx).company;
  const rec = ctx.store.customers.get(id);
  if (!rec || rec.companyId !== company.id) throw notFound('Customer');
  const body = ctx.req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw validationError([{ field: null, message: 'Kan ikke være null.' }]);
  checkBodyFields('Customer', body);
  const b = body as Json;
  const version = coerce(b.version);
  if (version !== undefined && version !== null) {
    if (typeof version !== 'number' || !Number.isInteger(version)) throw invalid('version');
    if (version !== rec.version) throw revisionConflict('Customer', version, rec.version);
  }
  const patch = customerPatch(b);
  if (patch.customerNumber !== undefined && patch.customerNumber !== rec.customerNumber &&
      ctx.store.customerNumberTaken(company.id, patch.customerNumber)) {
    throw validationError([{ field: 'customerNumber', message: `Kundenummeret ${patch.customerNumber} er i bruk.` }]);
  }
  const addressIds: Record<AddressField, number | null> = {
    postalAddress: rec.postalAddressId, physicalAddress: rec.physicalAddressId, deliveryAddress: rec.deliveryAddressId,
  };
  const addresses = ADDRESS_FIELDS.map((field) => ({ field, patch: addressPatch(b[field], field, addressIds[field]) }));

  // Commit.
  let changed = false;
  for (const [k, v] of Object.entries(patch) as Array<[keyof CustomerPatch, CustomerPatch[keyof CustomerPatch]]>) {
    if (v === undefined || rec[k] === v) continue;
    changed = true;
    if (k === 'customerNumber') ctx.store.renumberCustomer(rec, v as number);
    else Object.assign(rec, { [k]: v });
  }
  for (const { field, patch: a } of addresses) {
    if (!a) continue;
    const current = addressIds[field];
    const existing = current === null ? undefined : ctx.store.addresses.get(current);
    if (!existing) {
      // A customer without a delivery address: the sub-object creates one (as on POST).
      if (field === 'deliveryAddress') {
        rec.deliveryAddressId = createAddress(ctx, b[field]);
        changed = true;
      }
      continue;
    }
    for (const [k, v] of Object.entries(a) as Array<[keyof AddressPatch, AddressPatch[keyof AddressPatch]]>) {
      if (v === undefined || existing[k] === v) continue;
      Object.assign(existing, { [k]: v });
      changed = true;
    }
  }
  if (changed) rec.version += 1;
  return rec;
}

export const customerRoutes: Route[] = [
  { method: 'GET', path: '/customer', access: 'customer', model: 'Customer', handler: (ctx) => list(ctx, 'Customer', search(ctx, ctx.req.query)) },
  {
    method: 'POST', path: '/customer', access: 'customer', model: 'Customer',
    handler: (ctx) => {
      const rec = createCustomer(ctx);
      return single(ctx, 'Customer', resolve(ctx, 'Customer', rec.id) ?? {}, 201);
    },
  },
  {
    method: 'GET', path: '/customer/{id}', access: 'customer', model: 'Customer',
    handler: (ctx) => {
      const full = resolve(ctx, 'Customer', Number(ctx.req.params.id));
      if (!full) throw notFound('Customer');
      return single(ctx, 'Customer', full);
    },
  },
  {
    method: 'PUT', path: '/customer/{id}', access: 'customer', model: 'Customer',
    handler: (ctx) => {
      const rec = updateCustomer(ctx, Number(ctx.req.params.id));
      return single(ctx, 'Customer', resolve(ctx, 'Customer', rec.id) ?? {});
    },
  },
];
