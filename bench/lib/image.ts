/**
 * How the image starts the worker, read from the Dockerfile itself: the environment its runtime
 * stage sets (ENV) and its default command (CMD). The memory benchmark's --as-shipped run starts
 * its worker with exactly these, so the figures it prints are the image's, and changing the
 * heap limit or MALLOC_ARENA_MAX in the Dockerfile changes what the benchmark measures: the
 * settings live in one place.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../common/temporal-cli';

export interface ImageWorkerSettings {
  /** The runtime stage's ENV, in order (a later one wins, as in Docker). */
  env: Record<string, string>;
  /** Node's own flags in the default command, between `node` and the script. */
  nodeArgs: string[];
  /** The script the default command runs, relative to WORKDIR (`dist/worker/main.js`). */
  script: string;
}

/**
 * Reads the last stage of `dockerfile`. Only the forms the Dockerfile uses are understood
 * (`ENV NAME=value` or `ENV NAME="value with spaces"`, without escapes or variables; an
 * exec-form CMD); anything else throws rather than be measured wrongly.
 */
export function readImageWorkerSettings(dockerfile = path.join(REPO_ROOT, 'Dockerfile')): ImageWorkerSettings {
  const lines = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const lastFrom = lines.reduce((last, line, index) => (/^FROM\s/i.test(line) ? index : last), -1);
  const runtime = lines.slice(lastFrom + 1);
  const env: Record<string, string> = {};
  let command: string[] | undefined;
  for (const line of runtime) {
    const keyword = line.split(/\s/, 1)[0]!;
    const args = line.slice(keyword.length).trim();
    if (keyword.toUpperCase() === 'ENV') {
      const pair = /\s*([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"\\$]*)"|([^"'\s\\$]*))/y;
      while (pair.lastIndex < args.length) {
        const match = pair.exec(args);
        if (!match) throw new Error(`${dockerfile}: cannot read "${line}" (expected ENV NAME=value or NAME="value", no escapes or variables)`);
        env[match[1]!] = match[2] ?? match[3]!;
      }
    } else if (keyword.toUpperCase() === 'CMD') {
      if (!args.startsWith('[')) throw new Error(`${dockerfile}: expected an exec-form CMD, found "${line}"`);
      command = JSON.parse(args) as string[];
    }
  }
  if (!command || command[0] !== 'node') throw new Error(`${dockerfile}: the runtime stage's CMD must start the worker with node`);
  const scriptAt = command.findIndex((arg, index) => index > 0 && !arg.startsWith('-'));
  if (scriptAt < 0 || scriptAt !== command.length - 1) throw new Error(`${dockerfile}: expected CMD ["node", <node flags>..., <script>], found ${JSON.stringify(command)}`);
  return { env, nodeArgs: command.slice(1, scriptAt), script: command[scriptAt]! };
}
