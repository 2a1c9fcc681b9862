// GET/POST /customer, GET /customer/{id} (brief §4).
import { notFound, validationError } from './api-error';
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
];
