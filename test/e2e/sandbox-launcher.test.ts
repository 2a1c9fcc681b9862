/**
 * `npm run sandbox -- --json` as a script uses it: the first stdout line is one JSON object with
 * what a client needs for both sandboxes, and they answer with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import getPort from 'get-port';
import { REPO_ROOT } from '../../common/temporal-cli';

interface LauncherLine {
  tripletex: { baseUrl: string; consumerToken: string; employeeToken: string };
  mystore: { baseUrl: string; shop: string; token: string; webhookSecret: string };
}

test('npm run sandbox -- --json prints both sandboxes first, and they answer', async () => {
  const ports = { SANDBOX_TRIPLETEX_PORT: String(await getPort()), SANDBOX_MYSTORE_PORT: String(await getPort()) };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'client/sandbox.ts'), '--json'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...ports },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`launcher exited with ${code}`)));
    });
    const line = JSON.parse(firstLine) as LauncherLine;
    assert.equal(line.tripletex.baseUrl, `http://127.0.0.1:${ports.SANDBOX_TRIPLETEX_PORT}/v2`);
    assert.equal(line.mystore.baseUrl, `http://127.0.0.1:${ports.SANDBOX_MYSTORE_PORT}`);
    assert.ok(line.mystore.webhookSecret.length > 0);

    const session = await fetch(`${line.tripletex.baseUrl}/token/session/:create?consumerToken=${line.tripletex.consumerToken}&employeeToken=${line.tripletex.employeeToken}&expirationDate=2099-01-01`, { method: 'PUT' });
    assert.equal(session.status, 200);
    const settings = await fetch(`${line.mystore.baseUrl}/shops/${line.mystore.shop}/settings`, { headers: { authorization: `Bearer ${line.mystore.token}` } });
    assert.equal(settings.status, 200);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
