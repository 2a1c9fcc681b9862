/**
 * Onboarding from start to live on a real Temporal dev server against both sandboxes: a clean
 * run; each failure reported with its fix and resumed from its step once fixed; a numbering
 * conflict and the wait released by the merchant's confirmation; credential rotation releasing
 * transfers that waited; two shops side by side without crossing credentials.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { onboardingWorkflowId, shopWorkflowId } from '../../common/ids';
import { startOrSignalTransfer } from '../../common/transfers';
import type { OnboardingState, OnboardShopInput, RotateCredentialsOutcome, ShopRecord } from '../../workflows';
import { startMystoreSandboxForTest } from '../support/mystore-sandbox';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { waitForTransferStatus } from '../support/transfer-fixture';
import { testLogger, withWorker } from '../support/temporal';
import { recordHistoryIfAsked } from '../support/record-history';
import { createTripletexClient } from '../../activities/tripletex/tripletex-client';

const tripletex = await startTripletexSandboxForTest();
const mystore = await startMystoreSandboxForTest();
const env = { ...tripletex.env, ...mystore.env };

interface Merchant {
  shopId: string;
  companyId: number;
  employeeToken: string;
  mystoreToken: string;
}

function merchant(options: { company?: Parameters<typeof tripletex.sandbox.admin.createCompany>[0]; access?: Array<'customer' | 'invoice' | 'ledger' | 'payment' | 'creditNote'>; scopes?: string[] } = {}): Merchant {
  const shopId = `shop-${randomUUID().slice(0, 8)}`;
  const company = tripletex.sandbox.admin.createCompany({ name: `Onboard ${shopId} AS`, ...options.company });
  const employeeToken = tripletex.sandbox.admin.createEmployeeToken(company.companyId, options.access ? { access: options.access } : {});
  mystore.sandbox.admin.createShop({ shop: shopId });
  const mystoreToken = mystore.sandbox.admin.createToken(shopId, options.scopes ? { scopes: options.scopes } : {});
  return { shopId, companyId: company.companyId, employeeToken, mystoreToken };
}

function input(m: Merchant, extra: Partial<OnboardShopInput> = {}): OnboardShopInput {
  return { shopId: m.shopId, tripletexEmployeeToken: m.employeeToken, mystoreShop: m.shopId, mystoreToken: m.mystoreToken, acceptSuggestedMapping: true, numberingConfirmed: true, ...extra };
}

async function start(client: Client, taskQueue: string, onboarding: OnboardShopInput): Promise<WorkflowHandle> {
  return client.workflow.start('onboardShop', { workflowId: onboardingWorkflowId(onboarding.shopId), taskQueue, args: [onboarding] });
}

/** Waits until onboarding is live, or waits on someone at `stepId`. */
async function settled(handle: WorkflowHandle, stepId?: string): Promise<OnboardingState> {
  let state: OnboardingState | undefined;
  for (let i = 0; i < 300; i++) {
    state = await handle.query<OnboardingState>('onboardingState');
    if (stepId === undefined ? state.stage === 'live' : state.steps?.find((step) => step.id === stepId)?.status === 'waiting') return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`onboarding did not reach ${stepId ?? 'live'}: ${JSON.stringify(state)}`);
}

describe('onboarding, complete', () => {
  test('a clean onboarding goes live: webhooks registered, the shop saved with its mapping and credentials', async () => {
    const m = merchant();
    await withWorker(env, async ({ client, taskQueue }) => {
      const handle = await start(client, taskQueue, input(m));
      const state = await settled(handle);
      assert.deepEqual(state.steps?.map((step) => [step.id, step.status]), [['tripletex-key', 'done'], ['mystore-key', 'done'], ['payment-mapping', 'done'], ['numbering', 'done'], ['go-live', 'done']]);
      const record = await client.workflow.getHandle(shopWorkflowId(m.shopId)).query<ShopRecord>('shopRecord');
      assert.equal(record.mystoreShop, m.shopId);
      assert.equal(record.webhookSecrets.length, 2);
      assert.equal(record.tripletexCompanyId, m.companyId);
      assert.equal(record.settings.paymentMethods.klarna?.prepaid, true);
      assert.ok(record.settings.paymentMethods.klarna?.tripletexPaymentTypeId);
      assert.equal(record.settings.paymentMethods.invoice?.prepaid, false);
    });
  });

  test('each failure says what to fix and resumes from its own step: bad key, no bank account, bad Mystore token, missing scope, unmapped payment', async () => {
    const m = merchant({ company: { name: 'Uten Bank AS', bankAccountRegistered: false }, scopes: ['read:orders', 'read:settings'] });
    await withWorker(env, async ({ client, taskQueue }) => {
      const handle = await start(client, taskQueue, input(m, { tripletexEmployeeToken: 'not-a-token', acceptSuggestedMapping: false }));

      let state = await settled(handle, 'tripletex-key');
      let waiting = state.steps!.find((step) => step.id === 'tripletex-key')!;
      assert.equal(waiting.waitingOn, 'operator');
      assert.match(waiting.nextAction ?? '', /--tripletex-employee-token-stdin/);
      await handle.executeUpdate('provideCredentials', { args: [{ tripletexEmployeeToken: m.employeeToken }] });

      state = await settled(handle, 'tripletex-key');
      waiting = state.steps!.find((step) => step.id === 'tripletex-key')!;
      assert.equal(waiting.waitingOn, 'merchant');
      assert.match(waiting.message ?? '', /bank account/);
      tripletex.sandbox.admin.updateCompanySettings(m.companyId, { bankAccountRegistered: true });
      await handle.signal('retry');

      state = await settled(handle, 'mystore-key');
      waiting = state.steps!.find((step) => step.id === 'mystore-key')!;
      assert.equal(state.steps!.find((step) => step.id === 'tripletex-key')!.status, 'done', 'resumed from the failed step');
      assert.match(waiting.message ?? '', /read:order-products/);
      const fullToken = mystore.sandbox.admin.createToken(m.shopId);
      await handle.executeUpdate('provideCredentials', { args: [{ mystoreToken: fullToken }] });

      state = await settled(handle, 'payment-mapping');
      assert.ok(state.paymentMapping!.unmapped.length > 0);
      assert.match(state.nextAction ?? '', /--map-payment/);
      await handle.signal('acceptSuggestedMapping');

      state = await settled(handle);
      const record = await client.workflow.getHandle(shopWorkflowId(m.shopId)).query<ShopRecord>('shopRecord');
      assert.equal(record.credentials.mystoreToken, fullToken, 'the token given during onboarding is the one saved');
    });
  });

  test('a key without invoice access and an inactive VAT code wait on the merchant, each with its fix, and resume', async () => {
    const m = merchant({ company: { name: 'Uten Mva AS', activeVatCodes: ['31', '33', '5', '6'] }, access: ['customer', 'ledger', 'payment'] });
    await withWorker(env, async ({ client, taskQueue }) => {
      const handle = await start(client, taskQueue, input(m));
      let state = await settled(handle, 'tripletex-key');
      let waiting = state.steps!.find((step) => step.id === 'tripletex-key')!;
      assert.equal(waiting.waitingOn, 'merchant');
      assert.match(waiting.message ?? '', /no access to invoicing/);
      assert.match(waiting.message ?? '', /VAT code 3/);
      assert.match(waiting.nextAction ?? '', /activate outgoing VAT code 3/);

      tripletex.sandbox.admin.updateCompanySettings(m.companyId, { activeVatCodes: ['3', '31', '33', '5', '6'] });
      await handle.signal('retry');
      state = await settled(handle, 'tripletex-key');
      waiting = state.steps!.find((step) => step.id === 'tripletex-key')!;
      assert.doesNotMatch(waiting.message ?? '', /VAT code 3/, 'the VAT code is fixed; the access is not yet');
      assert.match(waiting.message ?? '', /no access to invoicing/);

      await handle.executeUpdate('provideCredentials', { args: [{ tripletexEmployeeToken: tripletex.sandbox.admin.createEmployeeToken(m.companyId, {}) }] });
      await settled(handle);
    });
  });

  test('a numbering conflict is shown with what to set, and the wait ends with the merchant\'s confirmation', async () => {
    const m = merchant();
    // A customer the merchant made by hand in Tripletex's own series, and an invoice from the UI.
    const tripletexClient = createTripletexClient({ baseUrl: tripletex.sandbox.baseUrl, consumerToken: tripletex.consumerToken, employeeToken: m.employeeToken, logger: testLogger() });
    const handMade = await tripletexClient.createCustomer({ name: 'Kunde Fra Før AS', customerNumber: 10001 });
    tripletex.sandbox.admin.createInvoiceManually(m.companyId, { customerId: handMade.id, invoiceDate: '2026-11-30', lines: [{ description: 'Konsulenttime', unitPrice: 1250 }] });
    await withWorker(env, async ({ client, taskQueue }) => {
      const handle = await start(client, taskQueue, input(m, { numberingConfirmed: false }));
      const state = await settled(handle, 'numbering');
      const waiting = state.steps!.find((step) => step.id === 'numbering')!;
      assert.equal(waiting.waitingOn, 'merchant');
      assert.match(waiting.nextAction ?? '', /100000/);
      assert.match(waiting.nextAction ?? '', /--confirm-numbering/);
      await handle.signal('confirmNumbering');
      const live = await settled(handle);
      assert.equal(live.numbering?.confirmed, true);
      assert.ok(live.numbering?.verification, 'what could be verified is said');
    });
  });

  test('shop numbering: chosen while onboarding waits, it shows the shop\'s series, its growth and the start for Tripletex\'s series, and the live shop invoices with its own numbers', async () => {
    const m = merchant();
    const DAY = 24 * 60 * 60 * 1000;
    // A shop that sold before: 40 orders over the last 60 days.
    const history = mystore.sandbox.admin.generateOrders(m.shopId, { count: 40, status: 'completed', seed: 77, startAt: new Date(Date.now() - 60 * DAY), endAt: new Date(Date.now() - DAY) });
    await withWorker(env, async ({ client, taskQueue, config }) => {
      const handle = await start(client, taskQueue, input(m, { numberingConfirmed: false }));
      const tripletexMode = await settled(handle, 'numbering');
      assert.equal(tripletexMode.numbering?.assessment.mode, 'tripletex');

      await handle.signal('chooseNumberingMode', 'shop');
      let state = tripletexMode;
      for (let i = 0; i < 100 && state.numbering?.assessment.mode !== 'shop'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await handle.query<OnboardingState>('onboardingState');
      }
      const shop = state.numbering!.assessment.shopNumbering!;
      assert.equal(shop.shopSeries.highestSeen, Math.max(...history.map(Number)));
      assert.ok(shop.shopSeries.numbersPerYear > 100, `growth measured: ${shop.shopSeries.numbersPerYear} a year`);
      assert.equal(shop.suggestedStart, 50_000);
      const waiting = state.steps!.find((step) => step.id === 'numbering')!;
      assert.equal(waiting.status, 'waiting');
      assert.match(waiting.nextAction ?? '', /start the outgoing invoice series at 50000/);
      assert.match(waiting.nextAction ?? '', /shop's own numbers/);

      // The merchant moves Tripletex's series as shown, and confirms.
      tripletex.sandbox.admin.updateCompanySettings(m.companyId, { nextInvoiceNumber: 50_000 });
      await handle.signal('confirmNumbering');
      const live = await settled(handle);
      assert.match(live.steps!.find((step) => step.id === 'numbering')!.message ?? '', /Invoices carry the shop's own numbers; Tripletex's own series starts at 50000/);
      recordHistoryIfAsked(config, onboardingWorkflowId(m.shopId), 'onboarding-shop-numbering');
      const record = await client.workflow.getHandle(shopWorkflowId(m.shopId)).query<ShopRecord>('shopRecord');
      assert.deepEqual(record.settings.invoiceNumbering, { mode: 'shop', tripletexSeriesStart: 50_000, shopSeriesFrom: 6000, shopNumbersPerYear: shop.shopSeries.numbersPerYear });

      const [order] = mystore.sandbox.admin.generateOrders(m.shopId, { count: 1, status: 'completed', seed: 78 });
      await startOrSignalTransfer(client, taskQueue, m.shopId, order!);
      const invoiced = await waitForTransferStatus(client, m.shopId, order!, 'Invoiced');
      assert.equal(invoiced.tripletex.invoiceNumber, Number(order));
    });
  });

  test('credential rotation is validated first, then releases the transfers that waited for it', async () => {
    const m = merchant();
    await withWorker(env, async ({ client, taskQueue }) => {
      await settled(await start(client, taskQueue, input(m)));
      const [orderId] = mystore.sandbox.admin.generateOrders(m.shopId, { count: 1, status: 'completed', seed: 8 });
      tripletex.sandbox.admin.revokeEmployeeToken(m.employeeToken);
      await startOrSignalTransfer(client, taskQueue, m.shopId, orderId!);
      await waitForTransferStatus(client, m.shopId, orderId!, 'WaitingForCredentials');

      const refused = await client.workflow.execute('rotateShopCredentials', { workflowId: `rotate-${randomUUID()}`, taskQueue, args: [{ shopId: m.shopId, tripletexEmployeeToken: 'still-wrong' }] }) as RotateCredentialsOutcome;
      assert.equal(refused.replaced, false);
      assert.ok(refused.problems.length > 0);

      const otherCompany = tripletex.sandbox.admin.createCompany({ name: 'Feil Selskap AS' });
      const wrongCompany = await client.workflow.execute('rotateShopCredentials', {
        workflowId: `rotate-${randomUUID()}`, taskQueue, args: [{ shopId: m.shopId, tripletexEmployeeToken: tripletex.sandbox.admin.createEmployeeToken(otherCompany.companyId, {}) }],
      }) as RotateCredentialsOutcome;
      assert.equal(wrongCompany.replaced, false);
      assert.match(wrongCompany.problems.join(' '), /belongs to company Feil Selskap AS/);

      const newToken = tripletex.sandbox.admin.createEmployeeToken(m.companyId, {});
      const rotated = await client.workflow.execute('rotateShopCredentials', { workflowId: `rotate-${randomUUID()}`, taskQueue, args: [{ shopId: m.shopId, tripletexEmployeeToken: newToken }] }) as RotateCredentialsOutcome;
      assert.equal(rotated.replaced, true);
      assert.deepEqual(rotated.releasedOrders, [orderId]);
      await waitForTransferStatus(client, m.shopId, orderId!, 'Invoiced');
    });
  });

  test('two shops side by side: each one\'s orders go to its own company with its own key', async () => {
    const first = merchant();
    const second = merchant();
    await withWorker(env, async ({ client, taskQueue }) => {
      await Promise.all([settled(await start(client, taskQueue, input(first))), settled(await start(client, taskQueue, input(second)))]);
      const [firstOrder] = mystore.sandbox.admin.generateOrders(first.shopId, { count: 1, status: 'completed', seed: 1 });
      const [secondOrder] = mystore.sandbox.admin.generateOrders(second.shopId, { count: 1, status: 'completed', seed: 2 });
      await startOrSignalTransfer(client, taskQueue, first.shopId, firstOrder!);
      await startOrSignalTransfer(client, taskQueue, second.shopId, secondOrder!);
      await waitForTransferStatus(client, first.shopId, firstOrder!, 'Invoiced');
      await waitForTransferStatus(client, second.shopId, secondOrder!, 'Invoiced');
      const references = (companyId: number) => tripletex.sandbox.admin.listInvoices(companyId).map((invoice) => invoice.reference);
      assert.deepEqual(references(first.companyId), [`mystore:${first.shopId}:${firstOrder}`]);
      assert.deepEqual(references(second.companyId), [`mystore:${second.shopId}:${secondOrder}`]);
    });
  });

  test('offboarding deletes the webhooks and closes the shop; its transfers are refused from then on', async () => {
    const m = merchant();
    await withWorker(env, async ({ client, taskQueue }) => {
      await settled(await start(client, taskQueue, input(m)));
      const schedule = await client.schedule.getHandle(`reconcile-${m.shopId}`).describe();
      assert.equal(schedule.state.paused, false, 'go-live created the reconciliation schedule');
      const outcome = await client.workflow.execute('offboardShop', { workflowId: `offboard-${m.shopId}`, taskQueue, args: [{ shopId: m.shopId }] }) as { webhooksDeleted: number; scheduleDeleted: boolean };
      assert.equal(outcome.webhooksDeleted, 2);
      assert.equal(outcome.scheduleDeleted, true);
      const record = await client.workflow.getHandle(shopWorkflowId(m.shopId)).query<ShopRecord>('shopRecord');
      assert.equal(record.offboarded, true);
      const [orderId] = mystore.sandbox.admin.generateOrders(m.shopId, { count: 1, status: 'completed', seed: 4 });
      await startOrSignalTransfer(client, taskQueue, m.shopId, orderId!);
      const parked = await waitForTransferStatus(client, m.shopId, orderId!, 'NeedsAttention');
      assert.match(parked.problem?.message ?? '', /offboarded/);
    });
  });
});
