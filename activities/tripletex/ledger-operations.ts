/** Company settings invoicing depends on: VAT types, bank accounts, payment types (brief §5, §6.2, §6.6). */
import type { TripletexTransport } from './tripletex-client';
import {
  BANK_ACCOUNT_FIELDS, PAYMENT_TYPE_FIELDS, VAT_TYPE_FIELDS,
  bankAccountSchema, currencySchema, paymentTypeSchema, vatTypeSchema,
  type TripletexBankAccount, type TripletexPaymentType, type TripletexVatType,
} from './tripletex-schemas';

/**
 * Norwegian VAT code (`number`, e.g. "3", "33") → Tripletex id. Ids differ from numbers (brief §5:
 * code 33 had id 32), so never hard-code ids.
 */
export function vatTypeIdsByNumber(vatTypes: readonly TripletexVatType[]): Record<string, number> {
  return Object.fromEntries(vatTypes.map((vatType) => [vatType.number, vatType.id]));
}

/**
 * `GET /ledger/vatType?typeOfVat=OUTGOING&vatDate=…`: the sales VAT codes valid on `date`
 * (YYYY-MM-DD). Map codes to ids with vatTypeIdsByNumber().
 */
export function listOutgoingVatTypes(t: TripletexTransport, date: string): Promise<TripletexVatType[]> {
  return t.listAll('/ledger/vatType', vatTypeSchema, { typeOfVat: 'OUTGOING', vatDate: date, fields: VAT_TYPE_FIELDS });
}

/**
 * `GET /ledger/account?isBankAccount=true`. Invoicing needs the account with
 * `isInvoiceAccount` to have a `bankAccountNumber` (brief §6.2 prerequisite).
 */
export function listBankAccounts(t: TripletexTransport): Promise<TripletexBankAccount[]> {
  return t.listAll('/ledger/account', bankAccountSchema, { isBankAccount: true, fields: BANK_ACCOUNT_FIELDS });
}

/** `GET /invoice/paymentType`: incoming payment types; ids differ per company, match by description (brief §6.6). */
export function listPaymentTypes(t: TripletexTransport): Promise<TripletexPaymentType[]> {
  return t.listAll('/invoice/paymentType', paymentTypeSchema, { fields: PAYMENT_TYPE_FIELDS });
}

/**
 * `GET /currency?code=EUR`: the company's id for a currency code, for invoices not in NOK
 * (ids are per environment: NOK was 1 in one, brief §6.1). undefined when there is none.
 */
export async function findCurrencyId(t: TripletexTransport, code: string): Promise<number | undefined> {
  const currencies = await t.listAll('/currency', currencySchema, { code, fields: 'id,code' });
  return currencies.find((currency) => currency.code === code)?.id;
}
