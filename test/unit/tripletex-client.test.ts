import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitPacer } from '../../activities/tripletex/rate-limit-pacer';
import { SessionTokenCache } from '../../activities/tripletex/session-tokens';
import {
  TripletexAuthenticationError, TripletexConflictError, TripletexNetworkError, TripletexResponseError, TripletexUsageError,
} from '../../activities/tripletex/tripletex-errors';
import {
  CONSUMER_TOKEN, EMPLOYEE_TOKEN, basicAuthOf, captureLogger, fakeClock, sessionHandler, startTestServer, testClient,
  type TestServer,
} from '../support/tripletex-test-server';

const whoAmIBody = {
  value: {
    employeeId: 7, companyId: 42,
    company: { id: 42, name: 'Butikken AS', organizationNumber: '999888777' },
    employee: { id: 7, firstName: 'Kari', lastName: 'Nordmann' },
  },
};

describe('Tripletex client: session and request path', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('creates a session with query parameters only, then sends Basic 0:token and Accept JSON; > reaches the server as %3E', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ body: whoAmIBody })));
    const client = testClient(server);
    const me = await client.whoAmI();
    assert.deepEqual(me.company, { id: 42, name: 'Butikken AS', organizationNumber: '999888777' });
    assert.equal(me.employee.firstName, 'Kari');

    const [create, who] = server.requests;
    assert.ok(create && who);
    assert.equal(create.method, 'PUT');
    assert.equal(create.rawPath, '/v2/token/session/:create');
    assert.equal(create.query.get('consumerToken'), CONSUMER_TOKEN);
    assert.equal(create.query.get('employeeToken'), EMPLOYEE_TOKEN);
    assert.equal(create.query.get('expirationDate'), '2026-12-05');
    assert.equal(create.headers.authorization, undefined);
    assert.equal(create.body, '');

    assert.equal(who.rawPath, '/v2/token/session/%3EwhoAmI');
    assert.equal(who.headers.authorization, basicAuthOf('session-SECRET-1'));
    assert.equal(who.headers.accept, 'application/json');
    assert.equal(who.query.get('fields'), 'employeeId,companyId,company(id,name,organizationNumber),employee(id,firstName,lastName)');
  });

  test('a 401 re-creates the session once and repeats the request', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler((request) =>
      request.headers.authorization === basicAuthOf('session-SECRET-1')
        ? { status: 401, body: { status: 401, code: 3000, message: 'Unauthorized' } }
        : { body: whoAmIBody }));
    const client = testClient(server);
    const me = await client.whoAmI();
    assert.equal(me.companyId, 42);
    assert.deepEqual(server.requests.map((r) => r.rawPath), [
      '/v2/token/session/:create', '/v2/token/session/%3EwhoAmI', '/v2/token/session/:create', '/v2/token/session/%3EwhoAmI',
    ]);
  });

  test('a 401 after the re-created session is an authentication error', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ status: 401, body: { status: 401, code: 3000, message: 'Unauthorized', requestId: 'r-401' } })));
    const client = testClient(server);
    await assert.rejects(client.whoAmI(), (error: unknown) => {
      assert.ok(error instanceof TripletexAuthenticationError);
      assert.equal(error.status, 401);
      assert.equal(error.requestId, 'r-401');
      assert.equal(error.outcomeUnknown, false);
      return true;
    });
    assert.equal(server.requests.filter((r) => r.rawPath.endsWith(':create')).length, 2);
    assert.equal(server.requests.length, 4);
  });

  test('the session is reused until its expiration date arrives in Oslo, then re-created', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ body: whoAmIBody })));
    const clock = fakeClock('2026-12-04T10:00:00Z');
    const client = testClient(server, { now: clock.now, sessionDays: 2 });
    await client.whoAmI();
    clock.set('2026-12-05T22:59:00Z'); // 23:59 in Oslo on the 5th; expires on the 6th
    await client.whoAmI();
    const creates = () => server.requests.filter((r) => r.rawPath.endsWith(':create'));
    assert.equal(creates().length, 1);
    assert.equal(creates()[0]?.query.get('expirationDate'), '2026-12-06');
    clock.set('2026-12-05T23:00:00Z'); // already the 6th in Oslo
    await client.whoAmI();
    assert.equal(creates().length, 2);
    assert.equal(creates()[1]?.query.get('expirationDate'), '2026-12-08');
    assert.equal(server.requests.at(-1)?.headers.authorization, basicAuthOf('session-SECRET-2'));
  });

  test('concurrent callers and clients for the same token share one session create', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ body: whoAmIBody })));
    const sessionCache = new SessionTokenCache();
    const a = testClient(server, { sessionCache });
    const b = testClient(server, { sessionCache });
    await Promise.all([a.whoAmI(), a.whoAmI(), b.whoAmI()]);
    assert.equal(server.requests.filter((r) => r.rawPath.endsWith(':create')).length, 1);
    const other = testClient(server, { sessionCache, employeeToken: 'another-shop-token' });
    await other.whoAmI();
    assert.equal(server.requests.filter((r) => r.rawPath.endsWith(':create')).length, 2);
  });

  test('a 422 at session create naming arg:employeeToken says the employee token is wrong', async () => {
    server.handle(() => ({
      status: 422,
      body: {
        status: 422, code: 18000, message: 'Validering feilet.',
        validationMessages: [{ field: 'arg:employeeToken', message: 'The employee token is invalid or does not exist.' }],
      },
    }));
    await assert.rejects(testClient(server).whoAmI(), (error: unknown) => {
      assert.ok(error instanceof TripletexAuthenticationError);
      assert.equal(error.token, 'employeeToken');
      assert.match(error.message, /employee token/);
      return true;
    });
  });

  test('listAll pages with from += count until a page is short', async () => {
    server.requests.length = 0;
    const total = 2500;
    server.handle(sessionHandler((request) => {
      const from = Number(request.query.get('from'));
      const count = Number(request.query.get('count'));
      const values = Array.from({ length: Math.max(0, Math.min(count, total - from)) }, (_, i) => ({ id: from + i + 1, description: `type ${from + i}` }));
      return { body: { fullResultSize: 0, from, count: values.length, versionDigest: null, values } };
    }));
    const types = await testClient(server).listPaymentTypes();
    assert.equal(types.length, total);
    assert.equal(types.at(-1)?.id, total);
    const pages = server.requests.filter((r) => r.rawPath === '/v2/invoice/paymentType');
    assert.deepEqual(pages.map((r) => [r.query.get('from'), r.query.get('count')]), [['0', '1000'], ['1000', '1000'], ['2000', '1000']]);
    assert.equal(pages[0]?.query.get('fields'), 'id,description');
  });

  test('listAll asks once more after an exactly full last page, and stops on the empty one', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler((request) => {
      const from = Number(request.query.get('from'));
      const values = from < 4 ? [{ id: from + 1, number: 1920 + from, name: 'Bank' }, { id: from + 2, number: 1921 + from, name: 'Bank' }] : [];
      return { body: { from, count: values.length, values } };
    }));
    const accounts = await testClient(server).transport.listAll('/ledger/account', (await import('../../activities/tripletex/tripletex-schemas')).bankAccountSchema, { isBankAccount: true }, 2);
    assert.equal(accounts.length, 4);
    assert.deepEqual(server.requests.filter((r) => r.rawPath === '/v2/ledger/account').map((r) => r.query.get('from')), ['0', '2', '4']);
  });

  test('a response that does not match the schema is a TripletexResponseError naming the field', async () => {
    server.handle(sessionHandler(() => ({ body: { from: 0, count: 2, values: [{ id: 1, number: '3', percentage: 25 }, { id: 'x', number: '33', percentage: 12 }] } })));
    await assert.rejects(testClient(server).listOutgoingVatTypes('2026-12-04'), (error: unknown) => {
      assert.ok(error instanceof TripletexResponseError);
      assert.equal(error.fieldPath, 'values[1].id');
      assert.match(error.message, /values\[1\]\.id/);
      return true;
    });
    server.handle(sessionHandler(() => ({ body: { value: { ...whoAmIBody.value, company: { id: 42 } } } })));
    await assert.rejects(testClient(server).whoAmI(), (error: unknown) => error instanceof TripletexResponseError && error.fieldPath === 'value.company.name');
    server.handle(sessionHandler(() => ({ body: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } })));
    await assert.rejects(testClient(server).whoAmI(), (error: unknown) => error instanceof TripletexResponseError && /not JSON/.test(error.message));
  });

  test('a timeout is a network error of kind timeout; on a write its outcome is unknown', async () => {
    server.handle(sessionHandler(() => ({ hang: true })));
    const client = testClient(server, { timeoutMs: 150 });
    await assert.rejects(client.createCustomer({ name: 'Ola Nordmann' }), (error: unknown) => {
      assert.ok(error instanceof TripletexNetworkError);
      assert.equal(error.kind, 'timeout');
      assert.equal(error.outcomeUnknown, true);
      assert.equal(error.method, 'POST');
      return true;
    });
    await assert.rejects(client.listPaymentTypes(), (error: unknown) =>
      error instanceof TripletexNetworkError && error.kind === 'timeout' && !error.outcomeUnknown);
  });

  test('a refused connection is a network error whose write never happened', async () => {
    const closed = await startTestServer();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const client = testClient({ ...closed, baseUrl });
    await assert.rejects(client.whoAmI(), (error: unknown) => {
      assert.ok(error instanceof TripletexNetworkError);
      assert.equal(error.kind, 'network');
      assert.equal(error.outcomeUnknown, false);
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    });
  });

  test('a connection dropped after the request was sent leaves a write\'s outcome unknown', async () => {
    server.handle(sessionHandler(() => ({ destroy: true })));
    await assert.rejects(testClient(server).createCustomer({ name: 'Ola Nordmann' }), (error: unknown) => {
      assert.ok(error instanceof TripletexNetworkError);
      assert.equal(error.kind, 'network');
      assert.equal(error.outcomeUnknown, true);
      return true;
    });
  });

  test('findCustomers sends only the filters given, lists comma-separated, spaces as %20, and asks for fields', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ body: { from: 0, count: 1, values: [{ id: 3, name: 'Ola Nordmann', customerNumber: 100001, email: '' }] } })));
    const found = await testClient(server).findCustomers({ customerAccountNumber: [100001, 100002], email: 'ola nordmann+shop@example.no' });
    assert.equal(found[0]?.customerNumber, 100001);
    const search = server.requests.at(-1);
    assert.equal(search?.query.get('customerAccountNumber'), '100001,100002');
    assert.equal(search?.query.get('email'), 'ola nordmann+shop@example.no');
    assert.equal(search?.query.has('organizationNumber'), false);
    assert.equal(search?.query.get('fields'),
      'id,version,name,customerNumber,organizationNumber,email,invoiceEmail,phoneNumberMobile,isPrivateIndividual,isInactive,' +
      'language,postalAddress(id,addressLine1,postalCode,city)');
    assert.match(search?.rawQuery ?? '', /email=ola%20nordmann%2Bshop%40example\.no/);
  });

  test('updateCustomer PUTs only the changes to /customer/{id}, asks for the customer fields, and reads the address', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({
      body: { value: {
        id: 3, version: 4, name: 'Ola N. Nordmann', customerNumber: 100001, email: 'ola.n@example.no', phoneNumberMobile: '41111111',
        isPrivateIndividual: true, language: 'NO', postalAddress: { id: 2500001, addressLine1: 'Kirkegata 2', postalCode: '0153', city: 'Oslo' },
      } },
    })));
    const changes = { name: 'Ola N. Nordmann', email: 'ola.n@example.no', postalAddress: { addressLine1: 'Kirkegata 2', postalCode: '0153', city: 'Oslo' } };
    const updated = await testClient(server).updateCustomer(3, changes);
    assert.equal(updated.version, 4);
    assert.equal(updated.phoneNumberMobile, '41111111');
    assert.deepEqual(updated.postalAddress, { id: 2500001, addressLine1: 'Kirkegata 2', postalCode: '0153', city: 'Oslo' });
    const put = server.requests.at(-1);
    assert.ok(put);
    assert.equal(put.method, 'PUT');
    assert.equal(put.rawPath, '/v2/customer/3');
    assert.equal(put.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(put.body), changes);
    assert.equal('version' in (JSON.parse(put.body) as object), false);
    assert.deepEqual([...put.query.keys()], ['fields']);
    assert.match(put.query.get('fields') ?? '', /phoneNumberMobile.*postalAddress\(id,addressLine1,postalCode,city\)/);
  });

  test('updateCustomer: a 409 is a TripletexConflictError; a bad id is refused before sending', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({
      status: 409,
      body: { status: 409, code: 8000, message: 'Objektet er endret av en annen bruker.', requestId: 'r-409' },
    })));
    const client = testClient(server);
    await assert.rejects(client.updateCustomer(3, { email: 'ny@example.no' }), (error: unknown) => {
      assert.ok(error instanceof TripletexConflictError);
      assert.equal(error.status, 409);
      assert.equal(error.code, 8000);
      assert.equal(error.requestId, 'r-409');
      assert.equal(error.method, 'PUT');
      assert.equal(error.path, '/customer/3');
      return true;
    });
    const sent = server.requests.length;
    await assert.rejects(client.updateCustomer(0, { name: 'x' }), TripletexUsageError);
    await assert.rejects(client.updateCustomer(Number.NaN, { name: 'x' }), TripletexUsageError);
    assert.equal(server.requests.length, sent);
  });

  test('createInvoice posts the order with its lines embedded and the payment as query parameters', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({
      status: 201,
      body: { value: { id: 9001, invoiceNumber: 50001, invoiceDate: '2026-12-04', invoiceDueDate: '2026-12-18', customer: { id: 5 }, amount: 597.5, orders: [{ id: 77, url: 'x' }] } },
    })));
    const draft = {
      invoiceDate: '2026-12-04', invoiceDueDate: '2026-12-18', customer: { id: 5 },
      orders: [{
        customer: { id: 5 }, orderDate: '2026-12-04', deliveryDate: '2026-12-04', reference: 'shop-1:order-10023',
        invoiceComment: 'Nettbutikkordre #10023', isPrioritizeAmountsIncludingVat: true,
        orderLines: [
          { description: 'T-skjorte', count: 2, unitPriceIncludingVatCurrency: 249, vatType: { id: 3 }, discount: 10 },
          { description: 'Frakt', count: 1, unitPriceIncludingVatCurrency: 99.5, vatType: { id: 3 } },
        ],
      }],
    } as const;
    const invoice = await testClient(server).createInvoice(
      { ...draft, orders: [{ ...draft.orders[0], orderLines: [...draft.orders[0].orderLines] }] },
      { sendToCustomer: false, paymentTypeId: 28377288, paidAmount: 597.5 },
    );
    assert.equal(invoice.id, 9001);
    assert.equal(invoice.orders[0]?.id, 77);
    assert.equal(invoice.orders[0]?.reference, undefined);
    const post = server.requests.at(-1);
    assert.ok(post);
    assert.equal(post.method, 'POST');
    assert.equal(post.rawPath, '/v2/invoice');
    assert.equal(post.headers['content-type'], 'application/json');
    assert.deepEqual(Object.fromEntries(post.query), { sendToCustomer: 'false', paymentTypeId: '28377288', paidAmount: '597.5' });
    assert.deepEqual(JSON.parse(post.body), draft);
  });

  test('createInvoice refuses prices that contradict isPrioritizeAmountsIncludingVat, before sending', async () => {
    server.requests.length = 0;
    const client = testClient(server);
    await assert.rejects(client.createInvoice({
      invoiceDate: '2026-12-04', invoiceDueDate: '2026-12-18', customer: { id: 5 },
      orders: [{ customer: { id: 5 }, orderDate: '2026-12-04', deliveryDate: '2026-12-04', reference: 'r', isPrioritizeAmountsIncludingVat: true,
        orderLines: [{ description: 'x', count: 1, unitPriceExcludingVatCurrency: 10, vatType: { id: 3 } }] }],
    }, { sendToCustomer: false }), TripletexUsageError);
    await assert.rejects(client.findCustomers({}), TripletexUsageError);
    assert.equal(server.requests.length, 0);
  });

  test('registerPayment and createCreditNote are PUT actions with query parameters and no body', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ body: { value: { id: 9001, invoiceDate: '2026-12-04', amountOutstanding: 0 } } })));
    const client = testClient(server);
    await client.registerPayment(9001, { paymentDate: '2026-12-04', paymentTypeId: 12, paidAmount: 420 });
    await client.createCreditNote(9001, { date: '2026-12-05', comment: 'Retur', sendToCustomer: false });
    const [payment, credit] = server.requests.filter((r) => r.method === 'PUT' && !r.rawPath.endsWith(':create'));
    assert.equal(payment?.rawPath, '/v2/invoice/9001/:payment');
    assert.deepEqual(Object.fromEntries(payment?.query ?? []), { paymentDate: '2026-12-04', paymentTypeId: '12', paidAmount: '420' });
    assert.equal(payment?.body, '');
    assert.equal(credit?.rawPath, '/v2/invoice/9001/:createCreditNote');
    assert.deepEqual(Object.fromEntries(credit?.query ?? []), { date: '2026-12-05', comment: 'Retur', sendToCustomer: 'false' });
  });

  test('searchInvoices sends both dates and asks for orders(id,reference)', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ body: { from: 0, count: 1, values: [{ id: 1, invoiceNumber: 50001, invoiceDate: '2026-12-04', amount: 100, orders: [{ id: 2, reference: 'shop-1:order-7' }] }] } })));
    const invoices = await testClient(server).searchInvoices({ invoiceDateFrom: '2026-12-01', invoiceDateTo: '2026-12-05', customerId: 5 });
    assert.equal(invoices[0]?.orders[0]?.reference, 'shop-1:order-7');
    const search = server.requests.at(-1);
    assert.equal(search?.query.get('invoiceDateFrom'), '2026-12-01');
    assert.equal(search?.query.get('invoiceDateTo'), '2026-12-05');
    assert.equal(search?.query.get('customerId'), '5');
    assert.match(search?.query.get('fields') ?? '', /orders\(id,reference\)/);
    assert.equal(search?.query.has('invoiceNumber'), false);
  });

  test('probeAccess reports 403 areas as not allowed', async () => {
    server.handle(sessionHandler((request) =>
      request.rawPath === '/v2/invoice'
        ? { status: 403, body: { status: 403, code: 9000, message: 'You do not have permission to access this feature.' } }
        : { body: { from: 0, count: 1, values: [{ id: 1 }] } }));
    const access = await testClient(server).probeAccess();
    assert.deepEqual(access, { customers: true, invoices: false, orders: true, vatTypes: true, ledgerAccounts: true, paymentTypes: true });
  });

  test('tokens never appear in error messages or in the log, even when Tripletex echoes them', async () => {
    const { logger, output } = captureLogger();
    server.handle(sessionHandler((request) => ({
      status: 401,
      body: {
        status: 401, code: 3000, message: `Unauthorized ${CONSUMER_TOKEN}`,
        developerMessage: `Authorization header ${request.headers.authorization ?? ''} for ${EMPLOYEE_TOKEN} is invalid`,
        validationMessages: [{ field: 'token', message: `bad ${EMPLOYEE_TOKEN} / session-SECRET-1` }],
      },
    })));
    const clock = fakeClock('2026-12-04T10:00:00Z');
    const client = testClient(server, { logger, now: clock.now, pacer: new RateLimitPacer({ now: clock.now }) });
    const error = await client.whoAmI().then(() => assert.fail('expected an error'), (caught: unknown) => caught);
    assert.ok(error instanceof TripletexAuthenticationError);
    const everything = [
      error.message, error.path, error.apiMessage, error.developerMessage, JSON.stringify(error.validationMessages), error.stack, output(),
    ].join('\n');
    for (const secret of [CONSUMER_TOKEN, EMPLOYEE_TOKEN, 'session-SECRET-1', 'session-SECRET-2', basicAuthOf('session-SECRET-1').slice(6), 'SECRET']) {
      assert.equal(everything.includes(secret), false, `leaked ${secret}`);
    }
    assert.match(output(), /Tripletex response|re-creating the session/);
  });
});
