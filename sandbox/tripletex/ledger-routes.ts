// Lookups the invoice flow caches per company: GET /ledger/vatType, /ledger/account,
// /invoice/paymentType, /currency (brief §5, §6.6, §9).
import { invalidQueryParam } from './api-error';
import { boolParam, dateParam, intListParam, stringListParam } from './query';
import { authOf, list, type Route } from './route-context';
import { ACCOUNTS, CURRENCIES, VAT_TYPES } from './reference-data';

const TYPES_OF_VAT = ['OUTGOING', 'INCOMING', 'INCOMING_INVOICE', 'PROJECT', 'LEDGER'];

export const ledgerRoutes: Route[] = [
  {
    method: 'GET', path: '/ledger/vatType', access: 'ledger', model: 'VatType',
    handler: (ctx) => {
      const q = ctx.req.query;
      const company = authOf(ctx).company;
      const ids = intListParam(q, 'id');
      const numbers = stringListParam(q, 'number');
      const typeOfVat = q.typeOfVat;
      if (typeOfVat !== undefined && typeOfVat !== '' && !TYPES_OF_VAT.includes(typeOfVat)) throw invalidQueryParam('typeOfVat', typeOfVat);
      dateParam(q, 'vatDate'); // validated; every code in the catalogue is valid on every date
      const rows = VAT_TYPES.filter((v) => {
        if (ids && !ids.includes(v.id)) return false;
        if (numbers && !numbers.includes(v.number)) return false;
        // With typeOfVat=OUTGOING only the company's active outgoing codes are listed (brief §5:
        // a company exposing only code 6 rejected id 3). INCOMING_INVOICE shares the incoming codes.
        if (typeOfVat === 'OUTGOING') return v.typeOfVat === 'OUTGOING' && company.activeVatCodes.includes(v.number);
        if (typeOfVat === 'INCOMING' || typeOfVat === 'INCOMING_INVOICE') return v.typeOfVat === 'INCOMING';
        if (typeOfVat === 'PROJECT' || typeOfVat === 'LEDGER') return true;
        return true;
      });
      return list(ctx, 'VatType', rows.map((v) => v.id));
    },
  },
  {
    method: 'GET', path: '/ledger/account', access: 'ledger', model: 'Account',
    handler: (ctx) => {
      const q = ctx.req.query;
      const company = authOf(ctx).company;
      const ids = intListParam(q, 'id');
      const numbers = intListParam(q, 'number');
      const isBank = boolParam(q, 'isBankAccount');
      const isInactive = boolParam(q, 'isInactive');
      const rows = ACCOUNTS.filter((a) =>
        (ids === undefined || ids.includes(company.accountIds[a.number] ?? -1)) &&
        (numbers === undefined || numbers.includes(a.number)) &&
        (isBank === undefined || a.isBankAccount === isBank) &&
        (isInactive === undefined || isInactive === false));
      return list(ctx, 'Account', rows.map((a) => company.accountIds[a.number] ?? 0));
    },
  },
  {
    method: 'GET', path: '/invoice/paymentType', access: 'payment', model: 'PaymentType',
    handler: (ctx) => {
      const q = ctx.req.query;
      const company = authOf(ctx).company;
      const ids = intListParam(q, 'id');
      // `description` and `query` are "containing" searches (brief §6.6).
      const contains = (value: string, needle: string | undefined) =>
        needle === undefined || needle === '' || value.toLowerCase().includes(needle.toLowerCase());
      const rows = company.paymentTypes.filter((p) =>
        (ids === undefined || ids.includes(p.id)) && contains(p.description, q.description) && contains(p.description, q.query));
      return list(ctx, 'PaymentType', rows.map((p) => p.id));
    },
  },
  {
    method: 'GET', path: '/currency', access: null, model: 'Currency',
    handler: (ctx) => {
      const q = ctx.req.query;
      const ids = intListParam(q, 'id');
      const rows = CURRENCIES.filter((c) => (ids === undefined || ids.includes(c.id)) && (q.code === undefined || q.code === '' || c.code === q.code));
      return list(ctx, 'Currency', rows.map((c) => c.id));
    },
  },
];
