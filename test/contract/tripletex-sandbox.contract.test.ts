/**
 * Contract test of the Tripletex sandbox: drives every endpoint it serves through plain fetch,
 * happy paths and each error, checks the numbers, and validates every logged request and
 * response against Tripletex's real OpenAPI spec (test/support/openapi-contract.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTripletexSandbox, type TripletexSandbox } from '../../sandbox/tripletex';
import { validateRequestLog } from './request-log';
import { validateResponse } from '../support/openapi-contract';

const logDir = process.env.TEST_REQUEST_LOG_DIR ?? path.join(os.tmpdir(), 'mystore-tripletex-test-logs');
mkdirSync(logDir, { recursive: true });
const logPath = path.join(logDir, `tripletex-sandbox-contract-${process.pid}.jsonl`);
const faultLogPath = path.join(logDir, `tripletex-sandbox-contract-faults-${process.pid}.jsonl`);
rmSync(logPath, { force: true });
rmSync(faultLogPath, { force: true });

let clock = new Date('2026-03-21T10:00:00Z');
let sb: TripletexSandbox;
let consumerToken: string;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Res { status: number; headers: Headers; body: Json }

function basic(token: string, username = '0'): string {
  return 'Basic ' + Buffer.from(`${username}:${token}`).toString('base64');
}

async function call(base: string, method: string, p: string, opts: { token?: string; auth?: string; query?: Record<string, string | number | boolean>; body?: unknown } = {}): Promise<Res> {
  const url = new URL(base + p);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = {};
  if (opts.auth !== undefined) headers.authorization = opts.auth;
  else if (opts.token !== undefined) headers.authorization = basic(opts.token);
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? null : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Json) };
}

const api = (method: string, p: string, opts: Parameters<typeof call>[3] = {}) => call(sb.baseUrl, method, p, opts);

async function newSession(base: string, ct: string, et: string, expirationDate = '2026-03-22'): Promise<string> {
  const r = await call(base, 'PUT', '/token/session/:create', { query: { consumerToken: ct, employeeToken: et, expirationDate } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.value.token as string;
}

/** A company with tokens and a live session. */
async function setup(settings: Parameters<TripletexSandbox['admin']['createCompany']>[0] = { name: 'Demo AS' }, access?: Parameters<TripletexSandbox['admin']['createEmployeeToken']>[1]) {
  const company = sb.admin.createCompany(settings);
  const employeeToken = sb.admin.createEmployeeToken(company.companyId, access);
  const token = await newSession(sb.baseUrl, consumerToken, employeeToken);
  return { company, employeeToken, token };
}

function assertApiError(r: Res, status: number, code?: number): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(r.body).sort(), ['code', 'developerMessage', 'link', 'message', 'requestId', 'status', 'validationMessages']);
  assert.equal(r.body.status, status);
  if (code !== undefined) assert.equal(r.body.code, code);
  assert.equal(r.body.requestId, r.headers.get('x-tlx-request-id'));
}

async function newCustomer(token: string, extra: Json = {}): Promise<number> {
  const r = await api('POST', '/customer', { token, body: { name: 'Ola Nordmann', email: 'ola@example.no', isPrivateIndividual: true, ...extra } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.value.id as number;
}

function invoiceBody(customerId: number, lines: Json[], extra: Json = {}, order: Json = {}): Json {
  return {
    invoiceDate: '2026-03-21', invoiceDueDate: '2026-04-04', customer: { id: customerId },
    orders: [{ customer: { id: customerId }, orderDate: '2026-03-21', deliveryDate: '2026-03-21', reference: 'WEB-10023',
      invoiceComment: 'Nettbutikkordre #10023', isPrioritizeAmountsIncludingVat: true, orderLines: lines, ...order }],
    ...extra,
  };
}

before(async () => {
  sb = await startTripletexSandbox({ requestLogPath: logPath, now: () => clock, seed: 7 });
  consumerToken = sb.admin.createConsumerToken('test-consumer-SECRET-abc');
});

after(async () => {
  await sb.close();
});

describe('auth', () => {
  test('session create, whoAmI (with > raw and %3E-encoded)', async () => {
    const { company, token } = await setup();
    for (const p of ['/token/session/%3EwhoAmI', '/token/session/>whoAmI']) {
      const r = await api('GET', p, { token });
      assert.equal(r.status, 200);
      assert.equal(r.body.value.companyId, company.companyId);
      assert.equal(r.body.value.employeeId, company.employeeId);
      assert.deepEqual(Object.keys(r.body.value.company), ['id', 'url']);
    }
    const expanded = await api('GET', '/token/session/%3EwhoAmI', { token, query: { fields: 'companyId,company(name,organizationNumber)' } });
    assert.deepEqual(expanded.body.value, { companyId: company.companyId, company: { name: 'Demo AS', organizationNumber: '' } });
  });

  test('session create errors: missing args, unknown tokens, past expiration', async () => {
    const company = sb.admin.createCompany({ name: 'Auth AS' });
    const et = sb.admin.createEmployeeToken(company.companyId);
    for (const missing of ['consumerToken', 'employeeToken', 'expirationDate']) {
      const query: Record<string, string> = { consumerToken, employeeToken: et, expirationDate: '2026-03-22' };
      delete query[missing];
      const r = await api('PUT', '/token/session/:create', { query });
      assertApiError(r, 422);
      assert.equal(r.body.validationMessages[0].field, `arg:${missing}`);
    }
    const badConsumer = await api('PUT', '/token/session/:create', { query: { consumerToken: 'nope', employeeToken: et, expirationDate: '2026-03-22' } });
    assertApiError(badConsumer, 422, 18000);
    assert.equal(badConsumer.body.message, 'Validering feilet.');
    assert.equal(badConsumer.body.validationMessages[0].field, 'arg:consumerToken');
    const badEmployee = await api('PUT', '/token/session/:create', { query: { consumerToken, employeeToken: 'nope', expirationDate: '2026-03-22' } });
    assertApiError(badEmployee, 422, 18000);
    assert.equal(badEmployee.body.validationMessages[0].field, 'arg:employeeToken');
    const today = await api('PUT', '/token/session/:create', { query: { consumerToken, employeeToken: et, expirationDate: '2026-03-21' } });
    assertApiError(today, 422, 18000);
    assert.equal(today.body.validationMessages[0].field, 'arg:expirationDate');
  });

  test('401 for missing, invalid, expired and revoked credentials; 403 for another company', async () => {
    const { company, employeeToken, token } = await setup({ name: 'Auth2 AS' });
    const none = await api('GET', '/token/session/%3EwhoAmI');
    assertApiError(none, 401, 3000);
    assert.equal(none.body.message, 'Unauthorized');
    assert.equal(none.body.validationMessages, null);
    assertApiError(await api('GET', '/customer', { token: 'not-a-session' }), 401, 3000);
    assertApiError(await api('GET', '/customer', { auth: basic(token, 'abc') }), 401, 3000);
    assert.equal((await api('GET', '/customer', { auth: basic(token, '') })).status, 200);
    assert.equal((await api('GET', '/customer', { auth: basic(token, String(company.companyId)) })).status, 200);
    assertApiError(await api('GET', '/customer', { auth: basic(token, '12345') }), 403, 9000);
    // "expire at midnight on the specified date": the session made with 2026-03-22 dies at its start.
    clock = new Date('2026-03-21T23:59:59Z');
    assert.equal((await api('GET', '/customer', { token })).status, 200);
    clock = new Date('2026-03-22T00:00:00Z');
    assertApiError(await api('GET', '/customer', { token }), 401, 3000);
    clock = new Date('2026-03-21T10:00:00Z');
    // expireSessionTokens(): every session stops now; a new one works (renewal).
    const fresh = await newSession(sb.baseUrl, consumerToken, employeeToken);
    sb.admin.expireSessionTokens();
    assertApiError(await api('GET', '/customer', { token: fresh }), 401, 3000);
    const renewed = await newSession(sb.baseUrl, consumerToken, employeeToken);
    assert.equal((await api('GET', '/customer', { token: renewed })).status, 200);
    sb.admin.revokeEmployeeToken(employeeToken);
    assertApiError(await api('GET', '/customer', { token: renewed }), 401, 3000);
  });

  test('403/9000 outside the token entitlements and without the integrations module', async () => {
    const { token } = await setup({ name: 'Limited AS' }, { access: ['customer'] });
    assert.equal((await api('GET', '/customer', { token })).status, 200);
    assertApiError(await api('GET', '/invoice', { token, query: { invoiceDateFrom: '2026-01-01', invoiceDateTo: '2027-01-01' } }), 403, 9000);
    assertApiError(await api('GET', '/ledger/vatType', { token }), 403, 9000);
    assertApiError(await api('GET', '/invoice/paymentType', { token }), 403, 9000);
    const off = await setup({ name: 'NoModule AS', integrationsModuleEnabled: false });
    assertApiError(await api('GET', '/token/session/%3EwhoAmI', { token: off.token }), 403, 9000);
    assertApiError(await api('GET', '/customer', { token: off.token }), 403, 9000);
  });
});

describe('lookups', () => {
  test('vatType lists only active outgoing codes; ids differ from numbers', async () => {
    const { token } = await setup({ name: 'Vat AS', activeVatCodes: ['3', '33', '6'] });
    const r = await api('GET', '/ledger/vatType', { token, query: { typeOfVat: 'OUTGOING', vatDate: '2026-03-21', fields: 'id,number,percentage' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.values, [{ id: 3, number: '3', percentage: 25 }, { id: 32, number: '33', percentage: 12 }, { id: 6, number: '6', percentage: 0 }]);
    assert.equal(r.body.count, 3);
    assert.equal(typeof r.body.versionDigest, 'string');
    const byNumber = await api('GET', '/ledger/vatType', { token, query: { number: '33' } });
    assert.equal(byNumber.body.values[0].id, 32);
  });

  test('account 1920 carries the bank account number per company setting; paymentType; currency', async () => {
    const { company, token } = await setup({ name: 'Bank AS' });
    const bank = await api('GET', '/ledger/account', { token, query: { isBankAccount: true, fields: 'number,bankAccountNumber,isInvoiceAccount' } });
    assert.deepEqual(bank.body.values, [{ number: 1920, isInvoiceAccount: true, bankAccountNumber: '15032080119' }]);
    sb.admin.updateCompanySettings(company.companyId, { bankAccountRegistered: false });
    const noBank = await api('GET', '/ledger/account', { token, query: { number: 1920, fields: 'bankAccountNumber' } });
    assert.deepEqual(noBank.body.values, [{ bankAccountNumber: '' }]);
    const pt = await api('GET', '/invoice/paymentType', { token, query: { description: 'Betalt til bank', fields: 'id,description,debitAccount(number)' } });
    assert.equal(pt.body.values.length, 1);
    assert.equal(pt.body.values[0].debitAccount.number, 1920);
    assert.equal((await api('GET', '/invoice/paymentType', { token, query: { query: 'vipps' } })).body.values[0].description, 'Vipps');
    const nok = await api('GET', '/currency', { token, query: { code: 'NOK' } });
    assert.equal(nok.body.values[0].id, 1);
  });
});

describe('customers', () => {
  test('numbers from the counter, explicit numbers, duplicates, search, sorting, fields', async () => {
    const { company, token } = await setup({ name: 'Kunde AS' });
    const r1 = await api('POST', '/customer', { token, body: { name: 'Ola', email: 'ola@example.no', postalAddress: { addressLine1: 'Storgata 1', postalCode: '0155', city: 'Oslo' } } });
    assert.equal(r1.status, 201);
    assert.equal(r1.body.value.customerNumber, 10001);
    assert.equal(r1.body.value.displayName, 'Ola (10001)');
    assert.equal(r1.body.value.isCustomer, true);
    assert.deepEqual(Object.keys(r1.body.value.postalAddress), ['id', 'url']);
    const r2 = await api('POST', '/customer', { token, body: { name: 'Kari', organizationNumber: '999888777' }, query: { fields: 'id,customerNumber' } });
    assert.deepEqual(Object.keys(r2.body.value), ['id', 'customerNumber']);
    assert.equal(r2.body.value.customerNumber, 10002);
    const r3 = await api('POST', '/customer', { token, body: { name: 'Per', customerNumber: 100000 } });
    assert.equal(r3.body.value.customerNumber, 100000);
    const dup = await api('POST', '/customer', { token, body: { name: 'Per igjen', customerNumber: 100000 } });
    assertApiError(dup, 422, 18000);
    assert.equal(dup.body.validationMessages[0].field, 'customerNumber');
    assertApiError(await api('POST', '/customer', { token, body: { name: 'X', project: { id: 1 } } }), 422, 16000);
    assertApiError(await api('POST', '/customer', { token, body: { email: 'x@example.no' } }), 422, 18000);
    assert.equal(sb.admin.listCustomers(company.companyId).length, 3);

    const byNumber = await api('GET', '/customer', { token, query: { customerAccountNumber: '10002,100000', fields: 'name' } });
    assert.deepEqual(byNumber.body.values, [{ name: 'Kari' }, { name: 'Per' }]);
    assert.equal((await api('GET', '/customer', { token, query: { email: 'ola@example.no' } })).body.values.length, 1);
    assert.equal((await api('GET', '/customer', { token, query: { organizationNumber: '999888777' } })).body.values[0].name, 'Kari');
    const max = await api('GET', '/customer', { token, query: { sorting: '-customerNumber', count: 1, fields: 'id,customerNumber' } });
    assert.equal(max.body.values[0].customerNumber, 100000);
    assert.equal(max.body.count, 1);
    const page = await api('GET', '/customer', { token, query: { from: 1, count: 1, sorting: 'customerNumber', fields: 'customerNumber' } });
    assert.deepEqual(page.body.values, [{ customerNumber: 10002 }]);
    assert.equal(page.body.from, 1);

    const one = await api('GET', `/customer/${r1.body.value.id as number}`, { token, query: { fields: 'name,postalAddress(addressLine1,city)' } });
    assert.deepEqual(one.body.value, { name: 'Ola', postalAddress: { addressLine1: 'Storgata 1', city: 'Oslo' } });
    assertApiError(await api('GET', '/customer/1', { token }), 404, 6000);
    assertApiError(await api('GET', '/customer', { token, query: { fields: 'id,nmae' } }), 400);
  });

  test('PUT /customer/{id} changes only the fields sent, the postal address in place, and bumps the version', async () => {
    const { company, token } = await setup({ name: 'Oppdater AS' });
    const id = await newCustomer(token, { phoneNumberMobile: '40000000', invoiceEmail: 'faktura@example.no', postalAddress: { addressLine1: 'Storgata 1', postalCode: '0155', city: 'Oslo' } });
    const fields = 'id,version,name,email,invoiceEmail,phoneNumberMobile,isPrivateIndividual,customerNumber,postalAddress(id,addressLine1,postalCode,city)';
    const before = (await api('GET', `/customer/${id}`, { token, query: { fields } })).body.value as Json;
    assert.equal(before.version, 0);

    const r = await api('PUT', `/customer/${id}`, { token, body: { name: 'Ola N. Nordmann', email: 'ola.n@example.no', postalAddress: { addressLine1: 'Kirkegata 2', postalCode: '0153' } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.value.id, id);
    assert.equal(r.body.value.version, 1);
    assert.equal(r.body.value.displayName, `Ola N. Nordmann (${before.customerNumber as number})`);
    assert.deepEqual(Object.keys(r.body.value.postalAddress), ['id', 'url']);
    const after = (await api('GET', `/customer/${id}`, { token, query: { fields } })).body.value as Json;
    assert.deepEqual(after, {
      ...before, version: 1, name: 'Ola N. Nordmann', email: 'ola.n@example.no',
      // Same address record, edited in place; city was not sent, so it stays.
      postalAddress: { id: before.postalAddress.id, addressLine1: 'Kirkegata 2', postalCode: '0153', city: 'Oslo' },
    });

    // With the current version (and `fields` on the response); the same values again change nothing.
    const withVersion = await api('PUT', `/customer/${id}`, { token, query: { fields: 'id,version,phoneNumberMobile' }, body: { version: 1, phoneNumberMobile: '41111111', isPrivateIndividual: true } });
    assert.deepEqual(withVersion.body.value, { id, version: 2, phoneNumberMobile: '41111111' });
    const same = await api('PUT', `/customer/${id}`, { token, body: { version: 2, phoneNumberMobile: '41111111' } });
    assert.equal(same.body.value.version, 2);
    // A new explicit customer number is stored; its old number is free again.
    const renumbered = await api('PUT', `/customer/${id}`, { token, body: { customerNumber: 100500 } });
    assert.equal(renumbered.body.value.customerNumber, 100500);
    assert.equal((await api('GET', '/customer', { token, query: { customerAccountNumber: '100500', fields: 'id' } })).body.values[0].id, id);
    assert.equal((await api('POST', '/customer', { token, body: { name: 'Gammelt nummer', customerNumber: before.customerNumber } })).status, 201);
    assert.equal(sb.admin.listCustomers(company.companyId).find((c) => c.id === id)?.version, 3);
  });

  test('PUT /customer/{id} errors: unknown id 404, stale version 409/8000, duplicate number 422, nothing stored on refusal', async () => {
    const { token } = await setup({ name: 'Konflikt AS' });
    const a = await newCustomer(token, { customerNumber: 200001 });
    const b = await newCustomer(token, { name: 'Kari', customerNumber: 200002 });
    assertApiError(await api('PUT', '/customer/1', { token, body: { name: 'Finnes ikke' } }), 404, 6000);
    // Another company's customer is unknown here too.
    const other = await setup({ name: 'Annen AS' });
    assertApiError(await api('PUT', `/customer/${a}`, { token: other.token, body: { name: 'Fremmed' } }), 404, 6000);

    assert.equal((await api('PUT', `/customer/${a}`, { token, body: { version: 0, email: 'ny@example.no' } })).status, 200);
    const stale = await api('PUT', `/customer/${a}`, { token, body: { version: 0, name: 'Utdatert' } });
    assertApiError(stale, 409, 8000);
    assert.equal((await api('GET', `/customer/${a}`, { token, query: { fields: 'name,version' } })).body.value.name, 'Ola Nordmann');

    const dup = await api('PUT', `/customer/${b}`, { token, body: { customerNumber: 200001, name: 'Kari endret' } });
    assertApiError(dup, 422, 18000);
    assert.equal(dup.body.validationMessages[0].field, 'customerNumber');
    assert.equal(dup.body.validationMessages[0].message, 'Kundenummeret 200001 er i bruk.');
    // Its own number is not a duplicate.
    assert.equal((await api('PUT', `/customer/${b}`, { token, body: { customerNumber: 200002 } })).status, 200);
    assert.deepEqual((await api('GET', `/customer/${b}`, { token, query: { fields: 'name,customerNumber,version' } })).body.value, { name: 'Kari', customerNumber: 200002, version: 0 });

    assertApiError(await api('PUT', `/customer/${b}`, { token, body: { name: '' } }), 422, 18000);
    assertApiError(await api('PUT', `/customer/${b}`, { token, body: { language: 'SV' } }), 422, 18000);
    assertApiError(await api('PUT', `/customer/${b}`, { token, body: { project: { id: 1 } } }), 422, 16000);
    assertApiError(await api('PUT', `/customer/${b}`, { token, body: { postalAddress: { id: 1, city: 'Bergen' } } }), 422, 18000);
    const noAccess = await setup({ name: 'Uten kunde AS' }, { access: ['invoice'] });
    assertApiError(await api('PUT', `/customer/${b}`, { token: noAccess.token, body: { name: 'x' } }), 403, 9000);
  });
});

describe('invoices', () => {
  test('POST /invoice with VAT-inclusive lines: amounts per line and in total, to the øre', async () => {
    const { company, token } = await setup({ name: 'Faktura AS' });
    const customerId = await newCustomer(token);
    const r = await api('POST', '/invoice', {
      token, query: { sendToCustomer: false },
      body: invoiceBody(customerId, [
        { description: 'T-skjorte str. M', count: 2, unitPriceIncludingVatCurrency: 249.0, vatType: { id: 3 }, discount: 10 },
        { description: 'Bok', count: 3, unitPriceIncludingVatCurrency: 129.9, vatType: { id: 31 } },
        { description: 'Frakt', count: 1, unitPriceIncludingVatCurrency: 99.0, vatType: { id: 32 } },
      ]),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const inv = r.body.value;
    // 2 × 249 × 0.9 = 448.20 incl → 358.56 excl; 3 × 129.90 = 389.70 → 338.87; 99.00 → 88.39.
    assert.equal(inv.amount, 936.9);
    assert.equal(inv.amountCurrency, 936.9);
    assert.equal(inv.amountExcludingVat, 785.82);
    assert.equal(inv.amountOutstanding, 936.9);
    assert.equal(inv.amountRoundoff, 0);
    assert.equal(inv.invoiceNumber, 1);
    assert.equal(inv.invoiceComment, 'Nettbutikkordre #10023');
    const lines = await api('GET', `/invoice/${inv.id as number}`, { token, query: { fields: 'orderLines(count,amountExcludingVatCurrency,amountIncludingVatCurrency,vatType(number,percentage))' } });
    const got = (lines.body.value.orderLines as Json[]).map((l) => [l.amountExcludingVatCurrency, l.amountIncludingVatCurrency, l.vatType.number]);
    assert.deepEqual(got, [[358.56, 448.2, '3'], [338.87, 389.7, '31'], [88.39, 99, '33']]);
    const sumIncl = (lines.body.value.orderLines as Json[]).reduce((s, l) => s + Math.round((l.amountIncludingVatCurrency as number) * 100), 0);
    assert.equal(sumIncl, Math.round(inv.amount * 100));
    const stored = sb.admin.listInvoices(company.companyId)[0];
    assert.equal(stored?.amountOre, 93690);
    assert.equal(stored?.sentToCustomer, false);
    assert.equal(stored?.reference, 'WEB-10023');
  });

  test('VAT-exclusive lines: VAT added per line; an inclusive-only line derives its excluding price', async () => {
    const { token } = await setup({ name: 'Eks AS' });
    const customerId = await newCustomer(token);
    const r = await api('POST', '/invoice', {
      token, query: { sendToCustomer: false },
      body: invoiceBody(customerId, [
        { description: 'Konsulent', count: 1.5, unitPriceExcludingVatCurrency: 1000.1, vatType: { id: 3 } },
        { description: 'Mat', count: 7, unitPriceExcludingVatCurrency: 0.33, vatType: { id: 31 }, discount: 5 },
      ], {}, { isPrioritizeAmountsIncludingVat: false }),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    // 1.5 × 1000.10 = 1500.15 + 375.04 (25 %, 375.0375 rounded) = 1875.19;
    // 7 × 0.33 × 0.95 = 2.1945 → 2.19 + 0.33 (15 % of 2.19 = 0.3285) = 2.52.
    assert.equal(r.body.value.amountExcludingVat, 1502.34);
    assert.equal(r.body.value.amount, 1877.71);
  });

  test('prepayment in the same call; payment and credit note afterwards', async () => {
    const { company, token } = await setup({ name: 'Betalt AS' });
    const customerId = await newCustomer(token);
    const bank = company.paymentTypes.find((p) => p.description === 'Betalt til bank')?.id ?? 0;
    const paid = await api('POST', '/invoice', {
      token, query: { sendToCustomer: false, paymentTypeId: bank, paidAmount: 125 },
      body: invoiceBody(customerId, [{ description: 'Vare', count: 1, unitPriceIncludingVatCurrency: 125, vatType: { id: 3 } }]),
    });
    assert.equal(paid.status, 201);
    assert.equal(paid.body.value.amountOutstanding, 0);
    const half = await api('POST', '/invoice', { token, query: { sendToCustomer: false, paymentTypeId: bank }, body: invoiceBody(customerId, [{ count: 1, unitPriceIncludingVatCurrency: 10, vatType: { id: 3 } }]) });
    assertApiError(half, 422, 18000);

    const open = await api('POST', '/invoice', { token, query: { sendToCustomer: false }, body: invoiceBody(customerId, [{ count: 2, unitPriceIncludingVatCurrency: 50, vatType: { id: 3 } }]) });
    const id = open.body.value.id as number;
    assertApiError(await api('PUT', `/invoice/${id}/:payment`, { token, query: { paymentDate: '2026-03-22', paymentTypeId: bank } }), 422);
    const pay = await api('PUT', `/invoice/${id}/:payment`, { token, query: { paymentDate: '2026-03-22', paymentTypeId: bank, paidAmount: 100 } });
    assert.equal(pay.status, 200);
    assert.equal(pay.body.value.amountOutstanding, 0);
    assertApiError(await api('PUT', '/invoice/1/:payment', { token, query: { paymentDate: '2026-03-22', paymentTypeId: bank, paidAmount: 1 } }), 404, 6000);

    assertApiError(await api('PUT', `/invoice/${id}/:createCreditNote`, { token }), 422);
    const credit = await api('PUT', `/invoice/${id}/:createCreditNote`, { token, query: { date: '2026-03-23', comment: 'Retur', sendToCustomer: false } });
    assert.equal(credit.status, 200, JSON.stringify(credit.body));
    assert.equal(credit.body.value.isCreditNote, true);
    assert.equal(credit.body.value.creditedInvoice, id);
    assert.equal(credit.body.value.amount, -100);
    assert.equal(credit.body.value.invoiceNumber, 3, 'credit notes share the invoice number series');
    const original = await api('GET', `/invoice/${id}`, { token, query: { fields: 'isCredited,amountOutstanding' } });
    assert.deepEqual(original.body.value, { isCredited: true, amountOutstanding: 0 });
    assertApiError(await api('PUT', `/invoice/${id}/:createCreditNote`, { token, query: { date: '2026-03-23' } }), 422, 18000);
  });

  test('validations: due date, bank account, inactive VAT, excluding price on an inclusive order, unknown body field', async () => {
    const { company, token } = await setup({ name: 'Valider AS', activeVatCodes: ['3', '6'] });
    const customerId = await newCustomer(token);
    const line = { description: 'Vare', count: 1, unitPriceIncludingVatCurrency: 100, vatType: { id: 3 } };
    const noDue = await api('POST', '/invoice', { token, query: { sendToCustomer: false }, body: { ...invoiceBody(customerId, [line]), invoiceDueDate: undefined } });
    assertApiError(noDue, 422, 18000);
    assert.deepEqual(noDue.body.validationMessages.map((m: Json) => [m.field, m.message]), [['invoiceDueDate', 'Kan ikke være null.']]);
    const vat = await api('POST', '/invoice', { token, query: { sendToCustomer: false }, body: invoiceBody(customerId, [{ ...line, vatType: { id: 32 } }]) });
    assertApiError(vat, 422, 18000);
    assert.equal(vat.body.validationMessages[0].message, 'Ugyldig mva-kode.');
    const mixed = await api('POST', '/invoice', { token, query: { sendToCustomer: false }, body: invoiceBody(customerId, [{ ...line, unitPriceExcludingVatCurrency: 80 }]) });
    assertApiError(mixed, 422, 18000);
    assertApiError(await api('POST', '/invoice', { token, body: invoiceBody(customerId, [{ ...line, project: { id: 1 } }]) }), 422, 16000);
    sb.admin.updateCompanySettings(company.companyId, { bankAccountRegistered: false });
    const bank = await api('POST', '/invoice', { token, query: { sendToCustomer: false }, body: invoiceBody(customerId, [line]) });
    assertApiError(bank, 422, 18000);
    assert.equal(bank.body.validationMessages[0].message, 'Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer.');
    assert.equal(sb.admin.listInvoices(company.companyId).length, 0);
    assert.equal(sb.admin.listOrders(company.companyId).length, 0, 'a refused invoice leaves no order behind');
  });

  test('invoice numbers: explicit numbers do not move the counter; collisions are 422 (issue #118)', async () => {
    const { company, token } = await setup({ name: 'Nummer AS', nextInvoiceNumber: 50000 });
    const customerId = await newCustomer(token);
    const line = { description: 'Vare', count: 1, unitPriceIncludingVatCurrency: 100, vatType: { id: 3 } };
    const post = (extra: Json) => api('POST', '/invoice', { token, query: { sendToCustomer: false }, body: invoiceBody(customerId, [line], extra) });
    assert.equal((await post({})).body.value.invoiceNumber, 50000);
    assert.equal((await post({ invoiceNumber: 50001 })).body.value.invoiceNumber, 50001);
    assert.equal(sb.admin.getCompany(company.companyId).nextInvoiceNumber, 50001);
    assertApiError(await post({ invoiceNumber: 50000 }), 422, 18000);
    const collide = await post({ invoiceNumber: 0 });
    assertApiError(collide, 422, 18000);
    assert.equal(collide.body.validationMessages[0].field, 'invoiceNumber');
    assert.throws(() => sb.admin.createInvoiceManually(company.companyId, { customerId, invoiceDate: '2026-03-21', lines: [{ unitPrice: 10 }] }), /i bruk/);
    sb.admin.updateCompanySettings(company.companyId, { nextInvoiceNumber: 50002 });
    const manual = sb.admin.createInvoiceManually(company.companyId, { customerId, invoiceDate: '2026-03-21', lines: [{ unitPrice: 10 }] });
    assert.equal(manual.invoiceNumber, 50002);
    assert.equal(manual.createdVia, 'ui');
    assert.equal((await post({})).body.value.invoiceNumber, 50003);
  });

  test('GET /invoice and GET /order: required dates (To exclusive), filters, sorting, nested fields', async () => {
    const { token } = await setup({ name: 'Søk AS' });
    const a = await newCustomer(token);
    const b = await newCustomer(token, { name: 'Kari', email: 'kari@example.no' });
    const line = { description: 'Vare', count: 1, unitPriceIncludingVatCurrency: 100, vatType: { id: 3 } };
    const mk = (customerId: number, date: string, reference: string) => api('POST', '/invoice', {
      token, query: { sendToCustomer: false },
      body: { ...invoiceBody(customerId, [line], { invoiceDate: date }, { orderDate: date, reference }) },
    });
    await mk(a, '2026-03-01', 'WEB-1');
    await mk(b, '2026-03-02', 'WEB-2');
    await mk(a, '2026-03-03', 'WEB-3');
    assertApiError(await api('GET', '/invoice', { token, query: { invoiceDateFrom: '2026-03-01' } }), 422);
    const window = await api('GET', '/invoice', { token, query: { invoiceDateFrom: '2026-03-01', invoiceDateTo: '2026-03-03', fields: 'invoiceNumber,orders(reference)' } });
    assert.deepEqual(window.body.values, [{ invoiceNumber: 1, orders: [{ reference: 'WEB-1' }] }, { invoiceNumber: 2, orders: [{ reference: 'WEB-2' }] }]);
    const byCustomer = await api('GET', '/invoice', { token, query: { invoiceDateFrom: '2026-01-01', invoiceDateTo: '2027-01-01', customerId: a, sorting: '-invoiceNumber', fields: 'invoiceNumber' } });
    assert.deepEqual(byCustomer.body.values, [{ invoiceNumber: 3 }, { invoiceNumber: 1 }]);
    const byNumber = await api('GET', '/invoice', { token, query: { invoiceDateFrom: '2026-01-01', invoiceDateTo: '2027-01-01', invoiceNumber: 2, fields: '*,customer(name)' } });
    assert.equal(byNumber.body.values[0].customer.name, 'Kari');
    assertApiError(await api('GET', '/invoice', { token, query: { invoiceDateFrom: '2026-01-01', invoiceDateTo: '2027-01-01', fields: '*,payments(*)' } }), 400);
    assertApiError(await api('GET', '/invoice/1', { token }), 404, 6000);

    assertApiError(await api('GET', '/order', { token, query: { orderDateTo: '2027-01-01' } }), 422);
    const orders = await api('GET', '/order', { token, query: { orderDateFrom: '2026-03-01', orderDateTo: '2026-03-04', customerId: a, fields: 'id,number,reference,isClosed' } });
    assert.deepEqual(orders.body.values.map((o: Json) => o.reference), ['WEB-1', 'WEB-3']);
    assert.equal(orders.body.values[0].isClosed, false, 'POST /invoice does not close the order (issue #65)');
    const order = await api('GET', `/order/${orders.body.values[0].id as number}`, { token, query: { fields: '*,orderLines(*)' } });
    assert.equal(order.body.value.orderLines[0].unitPriceIncludingVatCurrency, 100);
    assert.equal(order.body.value.orderLines[0].amountExcludingVatCurrency, 80);
    assertApiError(await api('GET', '/order/1', { token }), 404, 6000);
  });
});

describe('deep expansion', () => {
  test('fully expanded objects match the spec (validated with the request log at the end)', async () => {
    const { company, token } = await setup({ name: 'Dyp AS' });
    const customerId = await newCustomer(token, { postalAddress: { addressLine1: 'Gate 1', postalCode: '0150', city: 'Oslo', country: { id: 161 } } });
    const inv = await api('POST', '/invoice', {
      token, query: { sendToCustomer: false, fields: '*,customer(*),orders(*,orderLines(*))' },
      body: invoiceBody(customerId, [{ description: 'Vare', count: 1, unitPriceIncludingVatCurrency: 100, vatType: { id: 3 } }]),
    });
    assert.equal(inv.status, 201);
    assert.equal(inv.body.value.orders[0].orderLines[0].amountIncludingVatCurrency, 100);
    const id = inv.body.value.id as number;
    const deep = '*,changes,customer(*,postalAddress(*,country(*)),physicalAddress(*),ledgerAccount(*),currency(*)),orders(*,customer(*),currency(*),orderLines(*,vatType(*),currency(*),order(*))),orderLines(*),voucher(*),currency(*)';
    const r = await api('GET', `/invoice/${id}`, { token, query: { fields: deep } });
    assert.equal(r.status, 200);
    assert.equal(r.body.value.customer.postalAddress.country.isoAlpha2Code, 'NO');
    assert.deepEqual(r.body.value.changes, []);
    const who = await api('GET', '/token/session/%3EwhoAmI', { token, query: { fields: '*,employee(*),company(*,currency(*))' } });
    assert.equal(who.body.value.company.currency.code, 'NOK');
    const acc = await api('GET', '/ledger/account', { token, query: { fields: '*,vatType(*),legalVatTypes(*),bankAccountCountry(*),currency(*)' } });
    assert.equal(acc.body.values.length, 4);
    const pt = await api('GET', '/invoice/paymentType', { token, query: { fields: '*,debitAccount(*),creditAccount(*),vatType(*)' } });
    assert.equal(pt.body.values.length, company.paymentTypes.length);
    const ord = await api('GET', '/order', { token, query: { orderDateFrom: '2026-01-01', orderDateTo: '2027-01-01', fields: '*,orderLines(*),customer(*),preliminaryInvoice(*)' } });
    assert.equal(ord.body.values.length, 1);
    for (const p of ['/ledger/vatType', '/currency', '/customer']) assert.equal((await api('GET', p, { token, query: { fields: '*' } })).status, 200);
  });
});

describe('rate limiting and headers', () => {
  test('X-Rate-Limit-* on every response; 429 for the rest of the window without Reset (issue #103)', async () => {
    const { token } = await setup({ name: 'Rate AS' });
    sb.admin.setRateLimit({ limit: 3, windowSeconds: 60 });
    try {
      const seen: Res[] = [];
      for (let i = 0; i < 4; i += 1) seen.push(await api('GET', '/currency', { token, query: { code: 'NOK' } }));
      assert.deepEqual(seen.map((r) => r.status), [200, 200, 200, 429]);
      assert.equal(seen[0]?.headers.get('x-rate-limit-limit'), '3');
      assert.equal(seen[0]?.headers.get('x-rate-limit-remaining'), '2');
      assert.equal(seen[0]?.headers.get('x-rate-limit-reset'), '60');
      const limited = seen[3];
      assert.ok(limited);
      assertApiError(limited, 429);
      assert.equal(limited.headers.get('x-rate-limit-reset'), null);
      assert.equal(limited.headers.get('x-rate-limit-remaining'), '0');
      clock = new Date(clock.getTime() + 60_000);
      assert.equal((await api('GET', '/currency', { token })).status, 200);
    } finally {
      sb.admin.setRateLimit(null);
      clock = new Date('2026-03-21T10:00:00Z');
    }
  });

  test('every response has x-tlx-request-id; unknown query parameters are ignored', async () => {
    // A separate, unlogged sandbox: a request with an unknown parameter is (on purpose) not valid per the spec.
    const other = await startTripletexSandbox({ now: () => clock });
    try {
      const company = other.admin.createCompany({ name: 'Ignore AS' });
      const token = await newSession(other.baseUrl, other.admin.createConsumerToken(), other.admin.createEmployeeToken(company.companyId));
      const r = await call(other.baseUrl, 'GET', '/currency', { token, query: { cod: 'NOK' } });
      assert.equal(r.status, 200);
      assert.equal(r.body.values.length, 5);
      assert.match(r.headers.get('x-tlx-request-id') ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(other.requestCount(), 2);
    } finally {
      await other.close();
    }
  });
});

describe('faults', () => {
  test('commitThenDrop commits and logs the write; http500/503; resetBeforeWrite; slow does not block close()', async () => {
    const fsb = await startTripletexSandbox({ requestLogPath: faultLogPath, now: () => clock, seed: 42 });
    let closed = false;
    try {
      const company = fsb.admin.createCompany({ name: 'Fault AS' });
      const token = await newSession(fsb.baseUrl, fsb.admin.createConsumerToken(), fsb.admin.createEmployeeToken(company.companyId));
      const c = await call(fsb.baseUrl, 'POST', '/customer', { token, body: { name: 'Ola' } });
      const customerId = c.body.value.id as number;

      fsb.admin.setFaults({ commitThenDrop: 1, paths: ['/invoice'] });
      await assert.rejects(call(fsb.baseUrl, 'POST', '/invoice', { token, query: { sendToCustomer: false }, body: invoiceBody(customerId, [{ count: 1, unitPriceIncludingVatCurrency: 100, vatType: { id: 3 } }]) }));
      const committed = fsb.admin.listInvoices(company.companyId);
      assert.equal(committed.length, 1);
      // GET is not a write: commitThenDrop never applies to it.
      const found = await call(fsb.baseUrl, 'GET', '/invoice', { token, query: { invoiceDateFrom: '2026-03-21', invoiceDateTo: '2026-03-22', fields: 'id,orders(reference)' } });
      assert.deepEqual(found.body.values, [{ id: committed[0]?.id, orders: [{ reference: 'WEB-10023' }] }]);

      fsb.admin.setFaults({ http500: 1 });
      assertApiError(await call(fsb.baseUrl, 'GET', '/currency', { token }), 500, 1000);
      fsb.admin.setFaults({ http503: 1, methods: ['GET'] });
      assertApiError(await call(fsb.baseUrl, 'GET', '/currency', { token }), 503);
      fsb.admin.setFaults({ resetBeforeWrite: 1 });
      await assert.rejects(call(fsb.baseUrl, 'GET', '/currency', { token }));
      fsb.admin.setFaults({ slow: 1, slowDelayMs: 30_000 });
      await assert.rejects(fetch(`${fsb.baseUrl}/currency`, { headers: { authorization: basic(token) }, signal: AbortSignal.timeout(100) }));
      fsb.admin.setFaults({});
      assert.equal((await call(fsb.baseUrl, 'GET', '/currency', { token })).status, 200);
      // A pending slow response must not keep close() waiting.
      void fetch(`${fsb.baseUrl}/currency`, { headers: { authorization: basic(token) } }).catch(() => undefined);
      fsb.admin.setFaults({ slow: 1 });
      const started = Date.now();
      await fsb.close();
      closed = true;
      assert.ok(Date.now() - started < 2_000, 'close() returned promptly');

      const lines = readFileSync(faultLogPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json);
      const drop = lines.find((l) => l.fault === 'commitThenDrop');
      assert.equal(drop?.status, 201);
      assert.equal(drop?.responseBody.value.id, committed[0]?.id);
      assert.deepEqual(lines.filter((l) => l.fault).map((l) => l.fault), ['commitThenDrop', 'http500', 'http503', 'resetBeforeWrite', 'slow']);
      assert.deepEqual(await validateRequestLog(faultLogPath), []);
    } finally {
      if (!closed) await fsb.close();
    }
  });

  test('the fault sequence is deterministic for a seed', async () => {
    const run = async () => {
      const s = await startTripletexSandbox({ now: () => clock, seed: 99, faults: { http500: 0.5 } });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 12; i += 1) statuses.push((await call(s.baseUrl, 'GET', '/currency')).status);
        return statuses;
      } finally {
        await s.close();
      }
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    assert.ok(first.includes(500) && first.includes(401), JSON.stringify(first));
  });
});

describe('admin over HTTP', () => {
  test('the /_admin routes do what the in-process admin does', async () => {
    const other = await startTripletexSandbox({ now: () => clock, faults: { http500: 1 } });
    try {
      const root = other.baseUrl.replace(/\/v2$/, '');
      const admin = async (method: string, p: string, body?: unknown) => {
        const r = await fetch(`${root}/_admin${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) });
        return { status: r.status, body: (await r.json()) as Json };
      };
      const company = await admin('POST', '/companies', { name: 'Http AS', nextInvoiceNumber: 700 });
      assert.equal(company.status, 201);
      const id = company.body.companyId as number;
      const ct = (await admin('POST', '/consumer-tokens', { token: 'ct-1' })).body.token as string;
      const et = (await admin('POST', `/companies/${id}/employee-tokens`, { access: ['customer', 'invoice'] })).body.token as string;
      assert.equal(ct, 'ct-1');
      const patched = await admin('PATCH', `/companies/${id}/settings`, { bankAccountRegistered: false, nextCustomerNumber: 100000 });
      assert.equal(patched.body.bankAccountRegistered, false);
      assert.equal(patched.body.nextCustomerNumber, 100000);
      assert.equal((await admin('GET', `/companies/${id}`)).body.nextInvoiceNumber, 700);
      // Faults never apply to /_admin, but do to /v2.
      assert.equal((await call(other.baseUrl, 'GET', '/currency')).status, 500);
      assert.equal((await admin('PUT', '/faults', {})).status, 200);
      const token = await newSession(other.baseUrl, ct, et);
      const cust = await call(other.baseUrl, 'POST', '/customer', { token, body: { name: 'Ola' } });
      assert.equal(cust.body.value.customerNumber, 100000);
      const refused = await admin('POST', `/companies/${id}/invoices`, { customerId: cust.body.value.id, invoiceDate: '2026-03-21', lines: [{ unitPrice: 100 }] });
      assert.equal(refused.status, 422);
      await admin('PUT', `/companies/${id}/settings`, { bankAccountRegistered: true });
      const manual = await admin('POST', `/companies/${id}/invoices`, { customerId: cust.body.value.id, invoiceDate: '2026-03-21', lines: [{ unitPrice: 100, count: 2 }] });
      assert.equal(manual.status, 201);
      assert.equal(manual.body.invoiceNumber, 700);
      assert.equal(manual.body.amountOre, 20000);
      assert.equal(manual.body.amountExcludingVatOre, 16000);
      assert.equal(((await admin('GET', `/companies/${id}/invoices`)).body as unknown as Json[]).length, 1);
      assert.equal(((await admin('GET', `/companies/${id}/customers`)).body as unknown as Json[]).length, 1);
      assert.equal(((await admin('GET', `/companies/${id}/orders`)).body as unknown as Json[]).length, 1);
      assert.equal((await admin('PUT', '/rate-limit', { limit: 1, windowSeconds: 10 })).status, 200);
      assert.equal((await call(other.baseUrl, 'GET', '/currency', { token })).status, 200);
      assert.equal((await call(other.baseUrl, 'GET', '/currency', { token })).status, 429);
      await admin('PUT', '/rate-limit', null);
      await admin('POST', '/session-tokens/expire');
      assert.equal((await call(other.baseUrl, 'GET', '/currency', { token })).status, 401);
      assert.equal((await admin('DELETE', `/employee-tokens/${et}`)).status, 200);
      const noSession = await call(other.baseUrl, 'PUT', '/token/session/:create', { query: { consumerToken: ct, employeeToken: et, expirationDate: '2026-03-22' } });
      assert.equal(noSession.body.validationMessages[0].field, 'arg:employeeToken');
      assert.equal((await admin('GET', '/request-count')).body.count, other.requestCount());
      assert.equal((await admin('POST', '/reset')).status, 200);
      assert.equal((await admin('GET', `/companies/${id}`)).status, 404);
      assert.equal((await admin('GET', '/nope')).status, 404);
    } finally {
      await other.close();
    }
  });
});

describe('request log', () => {
  test('tokens are masked and every logged exchange matches the OpenAPI spec', async () => {
    const text = readFileSync(logPath, 'utf8');
    assert.ok(!text.includes('test-consumer-SECRET-abc'), 'consumer token masked');
    assert.ok(!/session-[A-Za-z0-9_-]{10,}/.test(text), 'session tokens masked');
    assert.ok(!/Basic [A-Za-z0-9+/=]{8,}/.test(text), 'Authorization never logged');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Json);
    assert.ok(lines.length > 50);
    for (const l of lines) assert.deepEqual(Object.keys(l).filter((k) => k !== 'fault'), ['time', 'method', 'path', 'query', 'requestBody', 'status', 'responseBody']);
    assert.deepEqual(await validateRequestLog(logPath), []);
  });

  test('the validator catches what the spec forbids', () => {
    assert.deepEqual(validateResponse({ method: 'GET', path: '/v2/customer/1', status: 200, body: { value: { id: 1, name: 'x' } } }), []);
    assert.equal(validateResponse({ method: 'GET', path: '/v2/customer/1', status: 200, body: { value: { id: 1, nmae: 'x' } } }).length, 1);
    assert.equal(validateResponse({ method: 'GET', path: '/v2/customer/1', status: 404, body: { status: 'x' } }).length, 1);
  });
});
