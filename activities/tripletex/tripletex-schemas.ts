/**
 * zod schemas for every Tripletex response the client reads, with the spec's own field names
 * ([SPEC] 2.72.00 components.schemas). Only the fields each operation asks for via `fields` are
 * modelled; unknown keys are dropped. Tripletex returns absent values as null and emails as ""
 * (brief §12), so optional fields accept null and surface as undefined.
 */
import { z } from 'zod';

/** A field the spec declares but Tripletex may omit or send as null. */
const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

const id = z.number().int();
const idRef = z.object({ id });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

// ─── Envelopes (brief §2) ────────────────────────────────────────────────────────────────────

/** `{"value": …}` around a single object. */
export const valueEnvelope = <T extends z.ZodType>(value: T) => z.object({ value });

/** `{"from", "count", "values"}` around a page; fullResultSize is deprecated and ignored (brief §2). */
export const listEnvelope = <T extends z.ZodType>(item: T) =>
  z.object({ from: opt(z.number().int()), count: opt(z.number().int()), values: z.array(item) });

/** ApiError body ([SPEC] ApiError); every field may be missing, the body may not be JSON at all. */
export const apiErrorSchema = z
  .object({
    status: opt(z.number()),
    code: opt(z.number()),
    message: opt(z.string()),
    developerMessage: opt(z.string()),
    requestId: opt(z.string()),
    validationMessages: opt(
      z.array(
        z.object({
          field: opt(z.string()),
          message: opt(z.string()),
          path: opt(z.string()),
          rootId: opt(z.number()),
        }),
      ),
    ),
  })
  .catch({
    status: undefined, code: undefined, message: undefined, developerMessage: undefined,
    requestId: undefined, validationMessages: undefined,
  });
export type ApiErrorBody = z.output<typeof apiErrorSchema>;

// ─── Session ─────────────────────────────────────────────────────────────────────────────────

/** [SPEC] SessionToken: the token is `.value.token` (brief §1). */
export const sessionTokenSchema = z.object({
  token: z.string().min(1),
  // Echoed back; only its YYYY-MM-DD prefix is used, and the requested date is the fallback.
  expirationDate: opt(z.string()),
});

/** [SPEC] LoggedInUserInfo, as asked for by whoAmI(). */
export const loggedInUserSchema = z.object({
  employeeId: id,
  companyId: id,
  company: z.object({ id, name: z.string(), organizationNumber: opt(z.string()) }),
  employee: z.object({ id, firstName: opt(z.string()), lastName: opt(z.string()) }),
});
export type TripletexLoggedInUser = z.output<typeof loggedInUserSchema>;

// ─── Customers ───────────────────────────────────────────────────────────────────────────────

export const CUSTOMER_FIELDS =
  'id,version,name,customerNumber,organizationNumber,email,invoiceEmail,phoneNumberMobile,isPrivateIndividual,isInactive,' +
  'language,postalAddress(id,addressLine1,postalCode,city)';
/**
 * [SPEC] Customer, the fields in CUSTOMER_FIELDS; `postalAddress` is an [SPEC] Address. A
 * response without `fields` (POST /customer) carries the address as an `{id,url}` stub, so its
 * address lines come back undefined.
 */
export const customerSchema = z.object({
  id,
  version: opt(z.number().int()),
  name: z.string(),
  customerNumber: opt(z.number().int()),
  organizationNumber: opt(z.string()),
  email: opt(z.string()),
  invoiceEmail: opt(z.string()),
  phoneNumberMobile: opt(z.string()),
  isPrivateIndividual: opt(z.boolean()),
  isInactive: opt(z.boolean()),
  // [SPEC] enum NO|EN; read as a string so that a new language is not a parse error.
  language: opt(z.string()),
  postalAddress: opt(z.object({
    id: opt(id),
    addressLine1: opt(z.string()),
    postalCode: opt(z.string()),
    city: opt(z.string()),
  })),
});
export type TripletexCustomer = z.output<typeof customerSchema>;

// ─── Ledger ──────────────────────────────────────────────────────────────────────────────────

export const VAT_TYPE_FIELDS = 'id,number,name,percentage';
/** [SPEC] VatType: `number` is the Norwegian VAT code as a string and differs from `id` (brief §5). */
export const vatTypeSchema = z.object({ id, number: z.string(), name: opt(z.string()), percentage: z.number() });
export type TripletexVatType = z.output<typeof vatTypeSchema>;

export const BANK_ACCOUNT_FIELDS = 'id,number,name,isInvoiceAccount,bankAccountNumber';
/** [SPEC] Account (a ledger account; `number` is int32 here, e.g. 1920). */
export const bankAccountSchema = z.object({
  id,
  number: z.number().int(),
  name: z.string(),
  isInvoiceAccount: z.boolean().nullish().transform((value) => value ?? false),
  bankAccountNumber: opt(z.string()),
});
export type TripletexBankAccount = z.output<typeof bankAccountSchema>;

export const PAYMENT_TYPE_FIELDS = 'id,description';
/** [SPEC] PaymentType: ids differ per company, look them up by description (brief §6.6). */
/** [SPEC] Currency, the fields this app reads. */
export const currencySchema = z.object({ id, code: z.string() });

export const paymentTypeSchema = z.object({ id, description: z.string().nullish().transform((value) => value ?? '') });
export type TripletexPaymentType = z.output<typeof paymentTypeSchema>;

// ─── Invoices and orders ─────────────────────────────────────────────────────────────────────

export const INVOICE_FIELDS =
  'id,invoiceNumber,invoiceDate,invoiceDueDate,customer(id),amount,amountExcludingVat,amountOutstanding,' +
  'isCreditNote,isCredited,creditedInvoice,invoiceComment,orders(id,reference)';
/**
 * [SPEC] Invoice, the fields in INVOICE_FIELDS. Amounts are decimal kroner (convert with
 * money.ts). `orders` carries `reference` so an order reference can be matched locally (brief §8);
 * a POST response may return orders as `{id,url}` stubs, so reference is optional.
 */
export const invoiceSchema = z.object({
  id,
  invoiceNumber: opt(z.number().int()),
  invoiceDate: date,
  invoiceDueDate: opt(date),
  customer: opt(idRef),
  amount: opt(z.number()),
  amountExcludingVat: opt(z.number()),
  amountOutstanding: opt(z.number()),
  isCreditNote: opt(z.boolean()),
  isCredited: opt(z.boolean()),
  creditedInvoice: opt(z.number().int()),
  invoiceComment: opt(z.string()),
  orders: opt(z.array(z.object({ id, reference: opt(z.string()) }))).transform((orders) => orders ?? []),
});
export type TripletexInvoice = z.output<typeof invoiceSchema>;

export const ORDER_FIELDS = 'id,number,reference,orderDate,customer(id),isClosed,invoiceComment,preliminaryInvoice(id)';
/** [SPEC] Order, the fields in ORDER_FIELDS; `reference` holds the shop's order id (brief §8). */
export const orderSchema = z.object({
  id,
  number: opt(z.string()),
  reference: opt(z.string()),
  orderDate: opt(date),
  customer: opt(idRef),
  isClosed: opt(z.boolean()),
  invoiceComment: opt(z.string()),
  preliminaryInvoice: opt(idRef),
});
export type TripletexOrder = z.output<typeof orderSchema>;

/** `fields=id` reads, used by probeAccess(). */
export const idOnlySchema = z.object({ id });
