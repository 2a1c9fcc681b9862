/**
 * Starts and stops a real Temporal server on this machine: the Temporal CLI's dev server. Used by
 * the test run (one server shared by every test file), `npm start`, the demo and the benchmarks.
 * It listens on free local ports unless told otherwise, registers the project's search
 * attributes, and is ready only once its gRPC health check answers SERVING.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import getPort from 'get-port';
import { Connection } from '@temporalio/client';
import { CUSTOM_SEARCH_ATTRIBUTES } from './search-attributes';
import { findTemporalCli } from './temporal-cli';
import type { Logger } from './logger';

export interface DevServerOptions {
  /** Frontend gRPC port; a free one when omitted. */
  port?: number;
  /** Web UI port; no UI when omitted (tests don't need one). */
  uiPort?: number;
  /** Keeps state in this SQLite file, so workflows survive a restart; in memory when omitted. */
  dbFilename?: string;
  /** The UI's remote codec endpoint, so the UI can decrypt payloads for authorised operators. */
  uiCodecEndpoint?: string;
  namespace?: string;
  /** How long to wait for the server to become healthy. Cold starts on a busy 2-core machine are slow. */
  readyTimeoutMs?: number;
  logger?: Logger;
}

export interface DevServer {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
  /**
   * Kills the server with SIGKILL, as a crash would (the chaos run): no shutdown, its database
   * left as it was. Start it again with the same `dbFilename` and `port` to recover.
   */
  kill(): Promise<void>;
}

/** Thrown when the dev server exits early or does not become healthy in time. */
export class DevServerStartError extends Error {
  constructor(message: string, readonly output: string) {
    super(`${message}\n--- temporal server output (last lines) ---\n${output.split('\n').slice(-20).join('\n')}`);
    this.name = 'DevServerStartError';
  }
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = findTemporalCli();
  const host = '127.0.0.1';
  const port = options.port ?? (await getPort({ host }));
  const namespace = options.namespace ?? 'default';
  const args = [
    'server', 'start-dev',
    '--ip', host,
    '--port', String(port),
    '--http-port', String(await getPort({ host })),
    '--metrics-port', String(await getPort({ host })),
    '--namespace', namespace,
    '--log-level', 'warn',
    ...Object.entries(CUSTOM_SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFilename) {
    mkdirSync(path.dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }

  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // If this process dies without stopping the server (an uncaught error, a SIGTERM to a parent
  // that does not forward it), do not leave a server holding the ports behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const address = `${host}:${port}`;
  try {
    await waitUntilHealthy(address, options.readyTimeoutMs ?? 60_000, exited, () => output);
  } catch (error) {
    await stopProcess(child, exited);
    throw error;
  }
  options.logger?.info({ address, namespace, ui: options.uiPort }, 'Temporal dev server is up');

  let stopping: Promise<void> | undefined;
  return {
    address,
    namespace,
    uiUrl: options.uiPort ? `http://${host}:${options.uiPort}` : undefined,
    stop: () => (stopping ??= stopProcess(child, exited)),
    kill: () => (stopping ??= killProcess(child, exited)),
  };
}

async function waitUntilHealthy(
  address: string,
  timeoutMs: number,
  exited: Promise<number | null>,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new DevServerStartError(`temporal server start-dev exited with code ${exitCode} before it was ready`, output());
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        const health = await connection.healthService.check({});
        // 1 = SERVING in grpc.health.v1
        if (health.status === 1) return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new DevServerStartError(`Temporal dev server at ${address} was not healthy after ${timeoutMs} ms (${String(lastError)})`, output());
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killTimer);
}

async function killProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await exited;
}
