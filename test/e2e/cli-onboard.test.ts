/**
 * `npm run cli -- onboard` as an operator runs it: a separate process, the token from the
 * environment or stdin, the outcome printed, the exit code telling the result.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { withWorker } from '../support/temporal';
import { runCli } from '../support/run-cli';

const { sandbox, env } = await startTripletexSandboxForTest();
const { companyId } = await sandbox.admin.createCompany({ name: 'Kommandolinje AS', organizationNumber: '987654321' });
const employeeToken = await sandbox.admin.createEmployeeToken(companyId, {});

describe('npm run cli -- onboard', () => {
  test('a valid key from the environment: company printed, exit code 0, --json is one line', async () => {
    await withWorker(env, async ({ config }) => {
      const cliEnv = { ...env, TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE, TRIPLETEX_EMPLOYEE_TOKEN: employeeToken };
      const human = await runCli(['onboard', '--shop', `cli-${randomUUID().slice(0, 8)}`], cliEnv);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /READY/);
      assert.match(human.stdout, /Kommandolinje AS/);
      assert.ok(!human.stdout.includes(employeeToken) && !human.stderr.includes(employeeToken));

      const json = await runCli(['onboard', '--shop', `cli-${randomUUID().slice(0, 8)}`, '--json'], cliEnv);
      assert.equal(json.code, 0, json.stderr);
      const lines = json.stdout.trim().split('\n');
      assert.equal(lines.length, 1);
      const outcome = JSON.parse(lines[0]!) as { tripletexKey: { status: string; readiness: { company: { id: number } } } };
      assert.equal(outcome.tripletexKey.status, 'ready');
      assert.equal(outcome.tripletexKey.readiness.company.id, companyId);
    });
  });

  test('a wrong key from stdin: a clear message and a non-zero exit code', async () => {
    await withWorker(env, async ({ config }) => {
      const cliEnv = { ...env, TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE };
      const run = await runCli(['onboard', '--shop', `cli-${randomUUID().slice(0, 8)}`, '--tripletex-employee-token-stdin'], cliEnv, 'wrong-token\n');
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stdout, /KEY REJECTED/);
      assert.match(run.stdout, /Fix: Create a new employee token/);
    });
  });

  test('bad arguments are named before anything starts', async () => {
    const noToken = await runCli(['onboard', '--shop', 'some-shop'], { TRIPLETEX_EMPLOYEE_TOKEN: '' });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /No Tripletex employee token given/);

    const badShop = await runCli(['onboard', '--shop', 'Not A Shop!', '--tripletex-employee-token', 'x'], {});
    assert.equal(badShop.code, 1);
    assert.match(badShop.stderr, /--shop: a shop id is/);

    const badConfig = await runCli(['onboard', '--shop', 'some-shop', '--tripletex-employee-token', 'x'], { TRIPLETEX_TIMEOUT_MS: 'soon' });
    assert.equal(badConfig.code, 1);
    assert.match(badConfig.stderr, /TRIPLETEX_TIMEOUT_MS/);
  });
});
