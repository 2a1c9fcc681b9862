/**
 * ensureTripletexCustomer with the worker's customer cache, against the Tripletex sandbox over
 * HTTP, called in a mocked activity context (attempt and workflow id matter): the calls a new,
 * a returning and a changed customer cost; a create whose outcome was unknown, found on the retry
 * and never made twice; two workers (two activity sets) that create the same customer; a second
 * ask from the same transfer, which searches; two orders of one new customer at once.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../../activities/activity-deps';
import { createTripletexTransferActivities } from '../../activities/tripletex-transfer-activities';
import { createTripletexClient } from '../../activities/tripletex/tripletex-client';
import { customerSchema } from '../../activities/tripletex/tripletex-schemas';
import type { CustomerDraft } from '../../domain/invoice-draft';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { testLogger } from '../support/temporal';

const { sandbox, consumerToken } = await startTripletexSandboxForTest();
const logger = testLogger();

function company() {
  const { companyId } = sandbox.admin.createCompany({ name: `Kundebuffer ${Math.random().toString(36).slice(2, 8)} AS` });
  const employeeToken = sandbox.admin.createEmployeeToken(companyId);
  return { companyId, employeeToken };
}

/** One worker's activities for one company (a second call is a second worker), with its own clock. */
function worker(employeeToken: string) {
  let now = Date.now();
  const client = () => createTripletexClient({ baseUrl: sandbox.baseUrl, consumerToken, employeeToken, logger });
  const deps = {
    tripletexClient: client,
    shops: { get: async () => ({ credentials: { tripletexEmployeeToken: employeeToken } }), forget: () => undefined },
    logger,
    now: () => new Date(now),
  } as unknown as ActivityDeps;
  const activities = createTripletexTransferActivities(deps);
  return {
    client: client(),
    advance: (ms: number) => {
      now += ms;
    },
    /** The activity as attempt `attempt` of transfer `transfer`'s activity. */
    ensure: (transfer: string, customer: CustomerDraft, attempt = 1): Promise<{ customerId: number; created: boolean }> =>
      new MockActivityEnvironment({ attempt, workflowExecution: { workflowId: transfer, runId: 'run-1' } })
        .run(activities.ensureTripletexCustomer, { shopId: 'shop-1', customer }),
  };
}

function draft(fields: Partial<CustomerDraft> & Pick<CustomerDraft, 'match'>): CustomerDraft {
  return {
    customerNumber: fields.match.by === 'customerNumber' ? fields.match.customerNumber : null,
    name: 'Kari Nordmann', email: 'kari@example.no', phone: '+47 900 00 001', organizationNumber: null, isPrivateIndividual: true,
    language: 'NO', postalAddress: { addressLine1: 'Storgata 1', postalCode: '0155', city: 'Oslo', country: 'Norway' }, updateExisting: true,
    ...fields,
  };
}

/** The requests `work` made to the sandbox. */
async function calls<T>(work: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const before = sandbox.requestCount();
  const result = await work();
  return { result, calls: sandbox.requestCount() - before };
}

describe('ensureTripletexCustomer with the customer cache', () => {
  test('new: the list once, then one create; returning and unchanged: no call; changed: a search and an update, once', async () => {
    const { companyId, employeeToken } = company();
    const w = worker(employeeToken);
    const kari = draft({ match: { by: 'customerNumber', customerNumber: 7001 } });
    // The first ask of the process also creates the session and reads the customer list.
    const first = await calls(() => w.ensure('transfer-shop-1-1', kari));
    assert.deepEqual(first.result, { customerId: first.result.customerId, created: true });
    assert.equal(first.calls, 3, 'session, the customer list, the create');

    const ola = draft({ match: { by: 'customerNumber', customerNumber: 7002 }, name: 'Ola Nordmann', email: 'ola@example.no' });
    assert.equal((await calls(() => w.ensure('transfer-shop-1-2', ola))).calls, 1, 'a new customer: its create only');

    const again = await calls(() => w.ensure('transfer-shop-1-3', kari));
    assert.deepEqual(again, { result: { customerId: first.result.customerId, created: false }, calls: 0 });

    const moved = { ...kari, postalAddress: { ...kari.postalAddress, addressLine1: 'Nygata 2' } };
    const changed = await calls(() => w.ensure('transfer-shop-1-4', moved));
    assert.deepEqual(changed, { result: { customerId: first.result.customerId, created: false }, calls: 2 });
    assert.equal(sandbox.admin.listCustomers(companyId).find((c) => c.id === first.result.customerId)!.postalAddressId !== undefined, true);
    assert.equal((await calls(() => w.ensure('transfer-shop-1-5', moved))).calls, 0, 'the fields last written: no call');

    // "Do not overwrite": present is enough, whatever the data.
    const keep = await calls(() => w.ensure('transfer-shop-1-6', { ...kari, name: 'Kari Annen', updateExisting: false }));
    assert.deepEqual(keep, { result: { customerId: first.result.customerId, created: false }, calls: 0 });
    assert.equal(sandbox.admin.listCustomers(companyId).length, 2);
  });

  test('a create whose outcome was unknown is found by the retry and by another transfer, never made twice', async () => {
    const { companyId, employeeToken } = company();
    const w = worker(employeeToken);
    await w.ensure('transfer-shop-1-0', draft({ match: { by: 'customerNumber', customerNumber: 1 } }));
    const guest = draft({ match: { by: 'email', email: 'gjest@example.no' }, email: 'gjest@example.no' });
    sandbox.admin.setFaults({ commitThenDrop: 1, methods: ['POST'], paths: ['/customer'] });
    try {
      await assert.rejects(w.ensure('transfer-shop-1-1', guest));
    } finally {
      sandbox.admin.setFaults({});
    }
    assert.equal(sandbox.admin.listCustomers(companyId).filter((c) => c.email === 'gjest@example.no').length, 1, 'Tripletex made it');
    // Another order of the same guest, on its first try: the cache does not know, so it searches.
    const other = await calls(() => w.ensure('transfer-shop-1-2', guest));
    assert.deepEqual(other, { result: { customerId: other.result.customerId, created: false }, calls: 1 });
    // The retry of the first transfer's activity searches too.
    const retried = await w.ensure('transfer-shop-1-1', guest, 2);
    assert.deepEqual(retried, { customerId: other.result.customerId, created: false });
    assert.equal(sandbox.admin.listCustomers(companyId).filter((c) => c.email === 'gjest@example.no').length, 1, 'still one');
  });

  test('two workers: a customer number the other created is refused and then found; a guest it created is seen by the delta', async () => {
    const { companyId, employeeToken } = company();
    const a = worker(employeeToken);
    const b = worker(employeeToken);
    await a.ensure('transfer-shop-1-0', draft({ match: { by: 'customerNumber', customerNumber: 1 } }));
    const registered = draft({ match: { by: 'customerNumber', customerNumber: 7100 } });
    const fromB = await b.ensure('transfer-shop-1-1', registered);
    const fromA = await calls(() => a.ensure('transfer-shop-1-2', registered));
    assert.deepEqual(fromA, { result: { customerId: fromB.customerId, created: false }, calls: 2 }, 'the refused create and the search');

    const guest = draft({ match: { by: 'email', email: 'gjest@example.no' }, email: 'gjest@example.no' });
    const guestFromB = await b.ensure('transfer-shop-1-3', guest);
    a.advance(11_000);
    const guestFromA = await calls(() => a.ensure('transfer-shop-1-4', guest));
    assert.deepEqual(guestFromA, { result: { customerId: guestFromB.customerId, created: false }, calls: 1 }, 'one read of what changed');
    assert.equal(sandbox.admin.listCustomers(companyId).length, 3);
  });

  test('a transfer that asks again searches: a customer made inactive in Tripletex is not given twice', async () => {
    const { companyId, employeeToken } = company();
    const w = worker(employeeToken);
    const guest = draft({ match: { by: 'email', email: 'borte@example.no' }, email: 'borte@example.no' });
    const first = await w.ensure('transfer-shop-1-1', guest);
    await w.client.transport.send('PUT', `/customer/${first.customerId}`, customerSchema, { json: { isInactive: true } });
    // The same transfer again (its invoice was refused, say): a search, which no longer finds it.
    const second = await calls(() => w.ensure('transfer-shop-1-1', guest));
    assert.equal(second.result.created, true);
    assert.notEqual(second.result.customerId, first.customerId);
    assert.equal(second.calls, 2, 'the search and the create');
    // Other transfers now get the new one, from the cache.
    assert.deepEqual(await calls(() => w.ensure('transfer-shop-1-2', guest)), { result: { customerId: second.result.customerId, created: false }, calls: 0 });
    assert.equal(sandbox.admin.listCustomers(companyId).filter((c) => !c.isInactive).length, 1);
  });

  test('two orders of one new customer at once: one create', async () => {
    const { companyId, employeeToken } = company();
    const w = worker(employeeToken);
    const guest = draft({ match: { by: 'email', email: 'dobbel@example.no' }, email: 'dobbel@example.no' });
    const results = await Promise.all(['1', '2', '3'].map((order) => w.ensure(`transfer-shop-1-${order}`, guest)));
    assert.equal(new Set(results.map((result) => result.customerId)).size, 1);
    assert.equal(results.filter((result) => result.created).length, 1);
    assert.equal(sandbox.admin.listCustomers(companyId).length, 1);
  });
});
