/**
 * The onboarding workflow's first step on a real Temporal dev server against the Tripletex
 * sandbox over HTTP: a valid key, a wrong key, a session that expires and is renewed, a company
 * without a bank account, a company with an inactive VAT code, a key without invoice access.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { onboardShop, onboardingStateQuery, type OnboardingState } from '../../workflows';
import { onboardingWorkflowId } from '../../common/ids';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { withWorker } from '../support/temporal';
import { recordHistoryIfAsked } from '../support/record-history';

const { sandbox, env, requestLogPath } = await startTripletexSandboxForTest();

async function companyWithToken(settings: Parameters<typeof sandbox.admin.createCompany>[0], access?: Parameters<typeof sandbox.admin.createEmployeeToken>[1]) {
  const company = await sandbox.admin.createCompany(settings);
  const employeeToken = await sandbox.admin.createEmployeeToken(company.companyId, access ?? {});
  return { companyId: company.companyId, employeeToken };
}

function newShopId(): string {
  return `shop-${randomUUID().slice(0, 8)}`;
}

/** Runs onboarding to its end; `historyName` records its history for the replay test. */
async function onboard(employeeToken: string, historyName?: string): Promise<OnboardingState> {
  const shopId = newShopId();
  return withWorker(env, async ({ client, taskQueue, config }) => {
    const handle = await client.workflow.start(onboardShop, {
      taskQueue,
      workflowId: onboardingWorkflowId(shopId),
      args: [{ shopId, tripletexEmployeeToken: employeeToken }],
    });
    const state = await handle.result();
    assert.deepEqual(await handle.query(onboardingStateQuery), state);
    if (historyName) recordHistoryIfAsked(config, onboardingWorkflowId(shopId), historyName);
    return state;
  });
}

function readyOutcome(state: OnboardingState) {
  const outcome = state.tripletexKey;
  assert.ok(outcome && (outcome.status === 'ready' || outcome.status === 'needs-attention'), `unexpected outcome ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('onboarding: validate the Tripletex key', () => {
  test('a valid key in a fully set-up company is ready and names the company', async () => {
    const { companyId, employeeToken } = await companyWithToken({ name: 'Fjellsport Nettbutikk AS', organizationNumber: '912345678' });
    const state = await onboard(employeeToken, 'onboarding-ready');
    const outcome = readyOutcome(state);
    assert.equal(outcome.status, 'ready');
    assert.equal(outcome.readiness.company.id, companyId);
    assert.equal(outcome.readiness.company.name, 'Fjellsport Nettbutikk AS');
    assert.deepEqual(outcome.readiness.vatCodes.map((code) => [code.number, code.active]), [['3', true], ['31', true], ['33', true], ['5', true], ['6', true]]);
    // Tripletex ids differ from code numbers (brief §5): code 33 is not id 33.
    assert.notEqual(outcome.readiness.vatCodes.find((code) => code.number === '33')?.vatTypeId, 33);
    assert.ok(outcome.readiness.paymentTypes.some((type) => type.description === 'Betalt til bank'));
  });

  test('a wrong key is rejected with a clear message and no retries', async () => {
    const state = await onboard('not-a-real-employee-token', 'onboarding-key-rejected');
    assert.equal(state.tripletexKey?.status, 'key-rejected');
    assert.ok(state.tripletexKey && 'fix' in state.tripletexKey);
    assert.match(state.tripletexKey.message, /employee token/i);
  });

  test('a revoked key is rejected', async () => {
    const { employeeToken } = await companyWithToken({ name: 'Revoked AS' });
    await sandbox.admin.revokeEmployeeToken(employeeToken);
    const state = await onboard(employeeToken);
    assert.equal(state.tripletexKey?.status, 'key-rejected');
  });

  test('a company without a registered bank account needs attention, and says how to fix it', async () => {
    const { employeeToken } = await companyWithToken({ name: 'Uten Bank AS', bankAccountRegistered: false });
    const outcome = readyOutcome(await onboard(employeeToken, 'onboarding-no-bank-account'));
    assert.equal(outcome.status, 'needs-attention');
    const bank = outcome.readiness.checks.find((check) => check.id === 'bank-account');
    assert.equal(bank?.ok, false);
    assert.match(bank?.fix ?? '', /bank account number/);
  });

  test('an inactive VAT code is reported per code', async () => {
    const { employeeToken } = await companyWithToken({ name: 'Uten Mat AS', activeVatCodes: ['3', '33', '5', '6'] });
    const outcome = readyOutcome(await onboard(employeeToken));
    assert.equal(outcome.status, 'ready', 'only the standard rate is required of every shop');
    assert.deepEqual(outcome.readiness.vatCodes.filter((code) => !code.active).map((code) => code.number), ['31']);
    assert.equal(outcome.readiness.checks.find((check) => check.id === 'vat-code-31')?.ok, false);

    const { employeeToken: withoutStandard } = await companyWithToken({ name: 'Uten Standard AS', activeVatCodes: ['6'] });
    assert.equal(readyOutcome(await onboard(withoutStandard)).status, 'needs-attention');
  });

  test('a key without invoice access is named as such', async () => {
    const { employeeToken } = await companyWithToken({ name: 'Bare Kunder AS' }, { access: ['customer', 'ledger', 'payment'] });
    const outcome = readyOutcome(await onboard(employeeToken));
    assert.equal(outcome.status, 'needs-attention');
    // Credit notes go through the invoice endpoints, so they are reported missing too (inferred, not probed).
    assert.deepEqual(outcome.readiness.checks.filter((check) => !check.ok).map((check) => check.id), ['invoice-access', 'credit-note-access']);
  });

  test('a session token that expires is renewed once, transparently', async () => {
    const { employeeToken } = await companyWithToken({ name: 'Lang Sesjon AS' });
    await withWorker(env, async ({ client, taskQueue }) => {
      const run = async () => {
        const shopId = newShopId();
        return client.workflow.execute(onboardShop, { taskQueue, workflowId: onboardingWorkflowId(shopId), args: [{ shopId, tripletexEmployeeToken: employeeToken }] });
      };
      assert.equal(readyOutcome(await run()).status, 'ready');
      const logBefore = readLog();
      await sandbox.admin.expireSessionTokens();
      assert.equal(readyOutcome(await run()).status, 'ready');
      const secondRun = readLog().slice(logBefore.length);
      assert.equal(secondRun.filter((line) => line.path.endsWith('/token/session/:create')).length, 1, 'one new session');
      assert.equal(secondRun.filter((line) => line.status === 401).length >= 1, true, 'the expired session was refused first');
    });
  });

  test('the employee token never stands in plain text in Temporal history', async () => {
    const { employeeToken } = await companyWithToken({ name: 'Hemmelig AS' });
    const shopId = newShopId();
    await withWorker(env, async ({ client, taskQueue }) => {
      await client.workflow.execute(onboardShop, { taskQueue, workflowId: onboardingWorkflowId(shopId), args: [{ shopId, tripletexEmployeeToken: employeeToken }] });
      const history = await client.workflow.getHandle(onboardingWorkflowId(shopId)).fetchHistory();
      const raw = JSON.stringify(history, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value));
      assert.ok(!raw.includes(employeeToken), 'employee token found in history');
      assert.ok(!raw.includes('Hemmelig AS'), 'activity results are encrypted too');

      const rejectedShop = newShopId();
      await client.workflow.execute(onboardShop, { taskQueue, workflowId: onboardingWorkflowId(rejectedShop), args: [{ shopId: rejectedShop, tripletexEmployeeToken: 'wrong-token' }] });
      const rejected = await client.workflow.getHandle(onboardingWorkflowId(rejectedShop)).fetchHistory();
      const rawRejected = JSON.stringify(rejected, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value));
      assert.match(rawRejected, /ACTIVITY_TASK_FAILED|activityTaskFailed/i, 'the activity did fail');
      assert.ok(!rawRejected.includes('employee token'), 'failure messages are encrypted too');
    });
  });
});

function readLog(): Array<{ path: string; status: number }> {
  return readFileSync(requestLogPath, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { path: string; status: number });
}
