// POST/GET /invoice, GET /invoice/{id}, PUT /invoice/{id}/:payment, :createCreditNote (brief §6.3–6.6).
import { kronerToOre } from './amounts';
import { notFound, validationError } from './api-error';
import { createCreditNote, createInvoice } from './invoicing';
import { boolParam, dateParam, intListParam, numberParam, requireParam } from './query';
import { authOf, checkBodyFields, list, resolve, single, type HandlerContext, type Route } from './route-context';
import type { InvoiceRecord } from './store';


function findInvoice(ctx: HandlerContext): InvoiceRecord {
  const inv = ctx.store.invoices.get(Number(ctx.req.params.id));
  if (!inv || inv.companyId !== authOf(ctx).company.id) throw notFound('Invoice');
  return inv;
}

function intParam(ctx: HandlerContext, name: string): number | undefined {
  const n = numberParam(ctx.req.query, name);
  if (n !== undefined && !Number.isInteger(n)) throw validationError([{ field: `arg:${name}`, message: 'Ugyldig verdi.' }]);
  return n;
}

export const invoiceRoutes: Route[] = [
  {
    method: 'POST', path: '/invoice', access: 'invoice', model: 'Invoice',
    handler: (ctx) => {
      const q = ctx.req.query;
      if (ctx.req.body !== null && typeof ctx.req.body === 'object') checkBodyFields('Invoice', ctx.req.body);
      const paymentTypeId = intParam(ctx, 'paymentTypeId');
      const paidAmount = numberParam(q, 'paidAmount');
      const invoice = createInvoice(ctx.store, authOf(ctx).company, ctx.req.body, {
        sendToCustomer: boolParam(q, 'sendToCustomer') ?? true, // default true (spec, brief §10)
        sendType: null,
        paymentTypeId: paymentTypeId === 0 ? undefined : paymentTypeId,
        paidAmount: paidAmount === 0 ? undefined : paidAmount,
        createdVia: 'api',
      });
      return single(ctx, 'Invoice', resolve(ctx, 'Invoice', invoice.id) ?? {}, 201);
    },
  },
  {
    method: 'GET', path: '/invoice', access: 'invoice', model: 'Invoice',
    handler: (ctx) => {
      const q = ctx.req.query;
      // Both required, To exclusive (brief §6.4).
      const from = dateParam(q, 'invoiceDateFrom', true);
      const to = dateParam(q, 'invoiceDateTo', true);
      const ids = intListParam(q, 'id');
      const numbers = intListParam(q, 'invoiceNumber');
      const customerIds = intListParam(q, 'customerId');
      const voucherIds = intListParam(q, 'voucherId');
      const rows = ctx.store.invoicesOf(authOf(ctx).company.id).filter((inv) =>
        inv.invoiceDate >= from && inv.invoiceDate < to &&
        (ids === undefined || ids.includes(inv.id)) &&
        (numbers === undefined || numbers.includes(inv.invoiceNumber)) &&
        (customerIds === undefined || customerIds.includes(inv.customerId)) &&
        (voucherIds === undefined || voucherIds.includes(inv.voucherId)) &&
        (q.kid === undefined || q.kid === '')); // no KID agreement: every kid is ""
      return list(ctx, 'Invoice', rows.map((r) => r.id));
    },
  },
  {
    method: 'GET', path: '/invoice/{id}', access: 'invoice', model: 'Invoice',
    handler: (ctx) => single(ctx, 'Invoice', resolve(ctx, 'Invoice', findInvoice(ctx).id) ?? {}),
  },
  {
    method: 'PUT', path: '/invoice/{id}/:payment', access: 'payment', model: 'Invoice',
    handler: (ctx) => {
      const q = ctx.req.query;
      // Query parameters, not a body ([AINM]: a body gives 422 with every field null, brief §6.6).
      const paymentDate = dateParam(q, 'paymentDate', true);
      requireParam(q, 'paymentTypeId');
      requireParam(q, 'paidAmount');
      const paymentTypeId = intParam(ctx, 'paymentTypeId') ?? 0;
      const paidAmount = numberParam(q, 'paidAmount') ?? 0;
      const invoice = findInvoice(ctx);
      const company = authOf(ctx).company;
      if (!company.paymentTypes.some((p) => p.id === paymentTypeId)) {
        throw validationError([{ field: 'paymentTypeId', message: `Betalingstypen ${paymentTypeId} finnes ikke.` }]);
      }
      const ore = kronerToOre(paidAmount);
      if (ore === undefined) throw validationError([{ field: 'paidAmount', message: 'Ugyldig beløp.' }]);
      invoice.payments.push({ date: paymentDate, paymentTypeId, amountOre: ore });
      invoice.amountOutstandingOre -= ore;
      invoice.version += 1;
      return single(ctx, 'Invoice', resolve(ctx, 'Invoice', invoice.id) ?? {});
    },
  },
  {
    method: 'PUT', path: '/invoice/{id}/:createCreditNote', access: 'creditNote', model: 'Invoice',
    handler: (ctx) => {
      const q = ctx.req.query;
      const date = dateParam(q, 'date', true);
      const original = findInvoice(ctx);
      const credit = createCreditNote(ctx.store, authOf(ctx).company, original, {
        date, comment: q.comment ?? '', sendToCustomer: boolParam(q, 'sendToCustomer') ?? true, sendType: q.sendType ?? null,
      });
      return single(ctx, 'Invoice', resolve(ctx, 'Invoice', credit.id) ?? {});
    },
  },
];
