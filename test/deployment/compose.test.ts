/**
 * The production topology, checked without a Docker engine: docker-compose.yml is parsed with
 * `yaml`, the Dockerfile line by line, and both are held to what the service and its README
 * promise. Each check is a pure function returning its problems, so the self-checks at the end
 * can prove that it reports a broken file (an image `foo:latest`, an unknown variable, a
 * Dockerfile running as root...).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { configSchema } from '../../common/config';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../common/search-attributes';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Every variable the service reads (common/config.ts). */
const CONFIG_KEYS = new Set(Object.keys(configSchema.shape));

/**
 * Variables compose reads that are not the service's own: they configure the infrastructure
 * around it, and README's Deployment section must name each.
 */
const INFRASTRUCTURE_VARIABLES = ['POSTGRES_PASSWORD', 'TEMPORAL_UI_PUBLIC_URL', 'CODEC_SERVER_PUBLIC_URL'];

/** The processes of the service itself: their environment is read by configSchema. */
const APP_SERVICES = ['worker', 'webhooks', 'codec-server'];
const SEARCH_ATTRIBUTE_JOB = 'temporal-search-attributes';
const REQUIRED_SERVICES = ['postgresql', 'temporal', 'temporal-ui', SEARCH_ATTRIBUTE_JOB, ...APP_SERVICES];

/** Values that must come from the environment without a default in the file. */
const SECRET_NAME = /(PASSWORD|PWD|TOKEN|ENCRYPTION_KEY|DECRYPTION_KEYS)$/;

type EnvironmentValue = string | number | boolean | null;
interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, EnvironmentValue> | string[];
  ports?: Array<string | number | { published?: string | number; target?: number; host_ip?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  container_name?: string;
  depends_on?: string[] | Record<string, { condition?: string }>;
  deploy?: { replicas?: number };
}
interface Compose {
  services: Record<string, Service>;
}

function parseCompose(text: string): Compose {
  // merge: the file shares the app environment through a YAML anchor and `<<`, as compose does.
  const parsed = parse(text, { merge: true }) as Compose | null;
  assert.ok(parsed && typeof parsed.services === 'object', 'docker-compose.yml has no services');
  return parsed;
}

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => {
      const equals = entry.indexOf('=');
      return equals < 0 ? [entry, ''] : [entry.slice(0, equals), entry.slice(equals + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/** `${VAR}`, `${VAR:-default}`, `${VAR:?message}`… in a compose string (`$$` is a literal `$`). */
const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}/g;

function variablesIn(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.replaceAll('$$', '').matchAll(INTERPOLATION)) names.add(match[1] ?? '');
  return [...names];
}

/** Compose's interpolation, enough to read defaults: required variables come from `env`. */
function interpolate(text: string, env: Record<string, string>): string {
  return text
    .split('$$')
    .map((part) =>
      part.replace(INTERPOLATION, (_whole, name: string, operator: string | undefined, argument: string | undefined) => {
        const value = env[name];
        const unset = value === undefined || (operator?.startsWith(':') === true && value === '');
        if (operator === ':-' || operator === '-') return unset ? interpolate(argument ?? '', env) : (value ?? '');
        if ((operator === ':?' || operator === '?') && unset) throw new Error(`${name} is required: ${argument ?? ''}`);
        return value ?? '';
      }),
    )
    .join('$');
}

/** image problems: a tag that names a version (major.minor at least), never `latest`. */
function imageProblem(reference: string): string | undefined {
  const [name, digest] = reference.split('@');
  const slash = (name ?? '').lastIndexOf('/');
  const colon = (name ?? '').lastIndexOf(':');
  const tag = colon > slash ? (name ?? '').slice(colon + 1) : undefined;
  if (tag === undefined) return digest?.startsWith('sha256:') ? undefined : `${reference}: no tag (means latest)`;
  if (/latest/i.test(tag)) return `${reference}: "latest" is not a pinned version`;
  if (!/^v?\d+\.\d+/.test(tag)) return `${reference}: tag "${tag}" does not pin a version (major.minor at least)`;
  return undefined;
}

function imageProblems(compose: Compose): string[] {
  return Object.entries(compose.services).flatMap(([name, service]) => {
    if (service.image === undefined) return service.build === undefined ? [`${name}: neither image nor build`] : [];
    const problem = imageProblem(service.image);
    return problem ? [`${name}: ${problem}`] : [];
  });
}

function missingServices(compose: Compose): string[] {
  return REQUIRED_SERVICES.filter((name) => !(name in compose.services));
}

function unknownAppVariables(compose: Compose): string[] {
  return APP_SERVICES.flatMap((name) => {
    const service = compose.services[name];
    if (!service) return [];
    return Object.keys(environmentOf(service))
      .filter((key) => !CONFIG_KEYS.has(key))
      .map((key) => `${name}: ${key} is not read by configSchema (common/config.ts)`);
  });
}

/** Long-running = every service but the one-shot jobs (restart "no"). */
function isOneShot(service: Service): boolean {
  return service.restart === 'no';
}

function healthProblems(compose: Compose): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => !isOneShot(service))
    .flatMap(([name, service]) => {
      const check = service.healthcheck;
      const test = check?.test;
      if (!check || check.disable || test === undefined || test === 'NONE' || (Array.isArray(test) && test[0] === 'NONE')) {
        return [`${name}: long-running service without a health check`];
      }
      return [];
    });
}

function unknownVariables(composeText: string): string[] {
  return variablesIn(composeText)
    .filter((name) => !CONFIG_KEYS.has(name) && !INFRASTRUCTURE_VARIABLES.includes(name))
    .map((name) => `\${${name}} is neither in configSchema nor a documented infrastructure variable`);
}

/** Secrets come only from the environment: `${VAR:?…}` (or an empty default for optional ones). */
function secretProblems(compose: Compose): string[] {
  return Object.entries(compose.services).flatMap(([name, service]) =>
    Object.entries(environmentOf(service))
      .filter(([key]) => SECRET_NAME.test(key))
      .filter(([, value]) => !/^\$\{[A-Z_][A-Z0-9_]*(:\?[^}]*|:-)\}$/.test(value))
      .map(([key, value]) => `${name}: ${key} must come from the environment (\${VAR:?…}), not "${value}"`),
  );
}

/** Host port → container port of a service's published ports, defaults interpolated. */
function publishedPorts(service: Service, env: Record<string, string>): Array<{ host: number; container: number; hostIp?: string }> {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry === 'object') return { host: Number(entry.published), container: Number(entry.target), ...(entry.host_ip ? { hostIp: entry.host_ip } : {}) };
    const parts = interpolate(String(entry), env).split(':');
    const container = Number(parts.at(-1));
    const host = parts.length >= 2 ? Number(parts.at(-2)) : container;
    return { host, container, ...(parts.length === 3 ? { hostIp: parts[0] } : {}) };
  });
}

/** The defaults of README's configuration table: `| \`NAME\` | \`default\` | meaning |`. */
function readmeDefaults(readme: string): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const match of readme.matchAll(/^\| `([A-Z_]+)` \| `([^`]*)` \|/gm)) defaults.set(match[1] ?? '', match[2] ?? '');
  return defaults;
}

function readmeSection(readme: string, heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

// --- Dockerfile, by lines ---

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  if (pending !== '') logical.push(pending);
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const words = args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const as = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({ from: words[0] ?? '', ...(as >= 0 && words[as + 1] ? { name: words[as + 1] } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** The arguments of an exec-form (`["a", "b"]`) or shell-form instruction, as words. */
function words(args: string): string[] {
  if (args.trim().startsWith('[')) return JSON.parse(args) as string[];
  return args.split(/\s+/);
}

function dockerfileProblems(text: string): string[] {
  const stages = parseDockerfile(text);
  const problems: string[] = [];
  if (stages.length < 2) problems.push(`multi-stage expected, found ${stages.length} stage(s)`);
  const names = new Set<string>();
  for (const stage of stages) {
    if (!names.has(stage.from)) {
      const problem = imageProblem(stage.from);
      if (problem) problems.push(`FROM ${problem}`);
    }
    if (stage.name) names.add(stage.name);
  }
  const runs = stages.flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));
  if (!runs.some((run) => /\bnpm ci\b/.test(run))) problems.push('no RUN npm ci (install from the lockfile)');
  if (!runs.some((run) => /\bnpm ci\b[^&;]*--omit=dev|\bnpm prune\b[^&;]*(--omit=dev|--production)/.test(run))) {
    problems.push('production dependencies only: npm ci --omit=dev or npm prune --omit=dev');
  }
  const runtime = stages.at(-1);
  if (!runtime) return problems;
  const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args.trim());
  const user = users.at(-1);
  if (user === undefined || /^(root|0)(:|$)/.test(user)) problems.push('the runtime stage must switch to a non-root USER');
  const env = runtime.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args);
  if (!env.some((args) => /\bNODE_ENV[= ]production\b/.test(args))) problems.push('the runtime stage must set NODE_ENV=production');
  if (stages.some((stage) => stage.instructions.some((i) => i.keyword === 'HEALTHCHECK' && !/^NONE\b/i.test(i.args)))) {
    problems.push('HEALTHCHECK in the image: it runs three processes (the worker has no HTTP port); health checks belong in compose');
  }
  for (const copy of runtime.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
    const sources = words(copy.args).filter((word) => !word.startsWith('--')).slice(0, -1);
    if (copy.args.includes('--from=')) continue;
    if (sources.some((source) => source === '.' || source === './' || source === '*')) problems.push(`the runtime stage copies the whole context (${copy.keyword} ${copy.args}): only what runs`);
  }
  const cmd = runtime.instructions.filter((i) => i.keyword === 'CMD').at(-1);
  if (!cmd || !words(cmd.args).includes('dist/worker/main.js')) problems.push('the default command must run the worker (dist/worker/main.js)');
  return problems;
}

/** The folders a stage copies from the build context (`from`: another stage's name, for COPY --from=<it>). */
function copiedFolders(stage: Stage | undefined, from?: string): Set<string> {
  const folders = new Set<string>();
  for (const copy of stage?.instructions ?? []) {
    if (copy.keyword !== 'COPY') continue;
    const source = /--from=(\S+)/.exec(copy.args)?.[1];
    if (source !== from) continue;
    for (const word of words(copy.args).filter((word) => !word.startsWith('--')).slice(0, -1)) folders.add(word.replace(/^\/app\//, '').replace(/\/$/, ''));
  }
  return folders;
}

// --- the real files ---

const composeText = read('docker-compose.yml');
const compose = parseCompose(composeText);
const dockerfile = read('Dockerfile');
const readme = read('README.md');

/** What an operator sets: every required variable, so the defaults of the rest can be read. */
const OPERATOR_ENV: Record<string, string> = {
  POSTGRES_PASSWORD: 'a-postgres-password',
  TRIPLETEX_CONSUMER_TOKEN: 'a-consumer-token',
  MYSTORE_BASE_URL: 'https://api.mystore.example',
  PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  WEBHOOK_PUBLIC_URL: 'https://hooks.example.com',
  CODEC_SERVER_TOKEN: 'a-codec-server-token-of-32-chars',
};

test('every image is pinned to a version (no latest), in compose and in the Dockerfile', () => {
  assert.deepEqual(imageProblems(compose), []);
  assert.deepEqual(dockerfileProblems(dockerfile).filter((problem) => problem.startsWith('FROM')), []);
});

test('the topology has its services: PostgreSQL, Temporal, the UI, the search-attribute job, worker, webhooks, codec server', () => {
  assert.deepEqual(missingServices(compose), []);
  for (const name of APP_SERVICES) assert.ok(compose.services[name]?.build !== undefined, `${name} is built from the Dockerfile`);
});

test('the search-attribute job registers every attribute the service sets, once, before the app starts', () => {
  const job = compose.services[SEARCH_ATTRIBUTE_JOB];
  assert.ok(job);
  assert.ok(isOneShot(job), 'a one-shot job (restart: "no")');
  const script = [job.command ?? []].flat().join('\n');
  for (const [name, type] of Object.entries(CUSTOM_SEARCH_ATTRIBUTES)) {
    assert.match(script, new RegExp(`--name ${name} --type ${type}\\b`), `registers ${name} (${type})`);
  }
  for (const name of ['worker', 'webhooks']) {
    const dependsOn = compose.services[name]?.depends_on;
    assert.ok(dependsOn && !Array.isArray(dependsOn), `${name} waits for the job`);
    assert.equal(dependsOn[SEARCH_ATTRIBUTE_JOB]?.condition, 'service_completed_successfully', `${name} starts after the job succeeded`);
  }
});

test('the published ports are the ones README documents', () => {
  const documented = readmeDefaults(readmeSection(readme, 'Configuration'));
  const defaults = configSchema.parse({});
  const port = (variable: 'WEBHOOK_PORT' | 'CODEC_SERVER_PORT' | 'TEMPORAL_UI_PORT') => {
    assert.equal(documented.get(variable), String(defaults[variable]), `README's table and configSchema agree on ${variable}`);
    return defaults[variable];
  };
  const temporalPort = Number(defaults.TEMPORAL_ADDRESS.split(':')[1]);
  assert.equal(documented.get('TEMPORAL_ADDRESS'), defaults.TEMPORAL_ADDRESS);
  const expected: Record<string, { host: number; container?: number }> = {
    temporal: { host: temporalPort, container: temporalPort },
    'temporal-ui': { host: port('TEMPORAL_UI_PORT') },
    webhooks: { host: port('WEBHOOK_PORT'), container: port('WEBHOOK_PORT') },
    'codec-server': { host: port('CODEC_SERVER_PORT'), container: port('CODEC_SERVER_PORT') },
  };
  for (const [name, want] of Object.entries(expected)) {
    const service = compose.services[name];
    assert.ok(service);
    const ports = publishedPorts(service, OPERATOR_ENV);
    assert.equal(ports.length, 1, `${name} publishes one port`);
    assert.equal(ports[0]?.host, want.host, `${name} on host port ${want.host}`);
    if (want.container !== undefined) assert.equal(ports[0]?.container, want.container, `${name} listens on ${want.container}`);
  }
  // The app listens where compose publishes: the service's port variable reaches the process.
  assert.equal(interpolate(environmentOf(compose.services.webhooks ?? {}).WEBHOOK_PORT ?? '', OPERATOR_ENV), String(port('WEBHOOK_PORT')));
  assert.equal(interpolate(environmentOf(compose.services['codec-server'] ?? {}).CODEC_SERVER_PORT ?? '', OPERATOR_ENV), String(port('CODEC_SERVER_PORT')));
  // What decrypts or has no sign-in of its own is reachable from this host only (a proxy publishes it).
  for (const name of ['temporal', 'temporal-ui', 'codec-server']) {
    assert.equal(publishedPorts(compose.services[name] ?? {}, OPERATOR_ENV)[0]?.hostIp, '127.0.0.1', `${name} bound to 127.0.0.1`);
  }
});

test('the worker scales: no container name, no host port, more than one replica or --scale', () => {
  const worker = compose.services.worker;
  assert.ok(worker);
  assert.equal(worker.container_name, undefined);
  assert.equal(worker.ports, undefined);
  assert.ok((worker.deploy?.replicas ?? 0) >= 1 || /--scale worker=/.test(composeText), 'deploy.replicas or a --scale comment');
  assert.match(composeText, /--scale worker=\d/, 'the file says how to scale the worker');
});

test('every variable passed to worker, webhooks and codec server is one configSchema reads', () => {
  assert.deepEqual(unknownAppVariables(compose), []);
});

test('each app service starts with a valid configuration once the required secrets are set', () => {
  for (const name of APP_SERVICES) {
    const env = Object.fromEntries(Object.entries(environmentOf(compose.services[name] ?? {})).map(([key, value]) => [key, interpolate(value, OPERATOR_ENV)]));
    // compose passes an empty `${VAR:-}` as an empty string; the schema must accept it.
    const parsed = configSchema.safeParse(env);
    assert.ok(parsed.success, `${name}: ${parsed.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const codec = environmentOf(compose.services['codec-server'] ?? {});
  assert.equal(codec.CODEC_SERVER_HOST, '0.0.0.0');
  assert.match(codec.CODEC_SERVER_TOKEN ?? '', /^\$\{CODEC_SERVER_TOKEN:\?/, 'the codec server token is required');
  assert.ok(codec.CODEC_SERVER_ALLOWED_ORIGINS, 'the codec server answers the UI origin only');
  assert.equal(
    interpolate(codec.CODEC_SERVER_ALLOWED_ORIGINS, OPERATOR_ENV),
    interpolate('${TEMPORAL_UI_PUBLIC_URL:-http://localhost:8233}', OPERATOR_ENV),
    'the allowed origin is the UI public origin',
  );
  assert.ok(environmentOf(compose.services['temporal-ui'] ?? {}).TEMPORAL_CODEC_ENDPOINT, 'the UI decodes through the codec server');
  const command = [compose.services['codec-server']?.command ?? []].flat().join(' ');
  assert.match(command, /dist\/client\/codec-server-main\.js/);
});

test('every command the services run is compiled from a source that exists, and dist/ is in the image', () => {
  const stages = parseDockerfile(dockerfile);
  const build = stages.find((stage) => stage.instructions.some((i) => i.keyword === 'RUN' && /\bnpm run build\b/.test(i.args)));
  assert.ok(build?.name, 'a named stage runs npm run build');
  assert.ok(copiedFolders(stages.at(-1), build.name).has('dist'), 'the runtime stage copies dist/ from the build stage');
  const sources = copiedFolders(build);
  const entries = ['dist/worker/main.js', ...APP_SERVICES.flatMap((name) => [compose.services[name]?.command ?? []].flat().filter((word) => word.startsWith('dist/')))];
  for (const entry of entries) {
    const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    assert.ok(existsSync(path.join(ROOT, source)), `${entry}: ${source} exists`);
    assert.ok(sources.has(source.split('/')[0] ?? ''), `${entry}: ${source}'s folder is copied into the build stage`);
  }
});

test('every long-running service has a health check', () => {
  assert.deepEqual(healthProblems(compose), []);
});

test('every ${VAR} is in configSchema or a documented infrastructure variable; secrets only from the environment', () => {
  assert.deepEqual(unknownVariables(composeText), []);
  assert.deepEqual(secretProblems(compose), []);
  const deployment = readmeSection(readme, 'Deployment');
  for (const name of INFRASTRUCTURE_VARIABLES) {
    if (variablesIn(composeText).includes(name)) assert.ok(deployment.includes(name), `README's Deployment section documents ${name}`);
  }
  // Required without a default: compose stops with the message instead of starting half-configured.
  for (const name of ['POSTGRES_PASSWORD', 'TRIPLETEX_CONSUMER_TOKEN', 'PAYLOAD_ENCRYPTION_KEY', 'CODEC_SERVER_TOKEN', 'MYSTORE_BASE_URL', 'WEBHOOK_PUBLIC_URL']) {
    assert.match(composeText, new RegExp(`\\$\\{${name}:\\?`), `${name} is required`);
    assert.throws(() => interpolate(composeText, { ...OPERATOR_ENV, [name]: '' }), new RegExp(`${name} is required`));
  }
});

test('the Dockerfile: multi-stage, production dependencies only, non-root, no image-wide health check, the worker by default', () => {
  assert.deepEqual(dockerfileProblems(dockerfile), []);
});

// --- the checks fail when they should ---

test('self-check: a broken topology is reported', () => {
  const broken = parseCompose(`
services:
  postgresql:
    image: postgres:latest
  temporal:
    image: temporalio/auto-setup
  temporal-ui:
    image: temporalio/ui:2
  worker:
    image: foo:latest
    container_name: worker
    environment:
      TEMPORAL_ADDRES: temporal:7233
      PAYLOAD_ENCRYPTION_KEY: c2VjcmV0
      TRIPLETEX_CONSUMER_TOKEN: \${TRIPLETEX_CONSUMER_TOKEN:-sandbox}
    restart: unless-stopped
  codec-server:
    build: .
    environment:
      - CODEC_SERVER_TOKEN=\${CODEC_SERVER_TOKEN:?set it}
      - SOME_SETTING=1
    healthcheck:
      test: ["NONE"]
`);
  const images = imageProblems(broken);
  assert.ok(images.some((problem) => problem.startsWith('worker: foo:latest')), 'foo:latest is reported');
  assert.ok(images.some((problem) => problem.startsWith('postgresql:')), 'postgres:latest is reported');
  assert.ok(images.some((problem) => problem.startsWith('temporal:')), 'an image without a tag is reported');
  assert.ok(images.some((problem) => problem.startsWith('temporal-ui:')), 'a major-only tag is reported');
  assert.deepEqual(imageProblem('postgres:16.10-bookworm'), undefined);
  assert.deepEqual(imageProblem('registry.example:5000/node@sha256:abc'), undefined);
  assert.ok(imageProblem('registry.example:5000/node'), 'a registry port is not a tag');
  assert.deepEqual(missingServices(broken), [SEARCH_ATTRIBUTE_JOB, 'webhooks']);
  assert.deepEqual(unknownAppVariables(broken), [
    'worker: TEMPORAL_ADDRES is not read by configSchema (common/config.ts)',
    'codec-server: SOME_SETTING is not read by configSchema (common/config.ts)',
  ]);
  const health = healthProblems(broken);
  for (const name of ['postgresql', 'worker', 'codec-server']) assert.ok(health.some((problem) => problem.startsWith(`${name}:`)), `${name} without a health check`);
  assert.deepEqual(secretProblems(broken).map((problem) => problem.split(' must ')[0]), ['worker: PAYLOAD_ENCRYPTION_KEY', 'worker: TRIPLETEX_CONSUMER_TOKEN']);
  assert.deepEqual(unknownVariables('a: ${POSTGRES_PASSWORD:?x} ${WEBHOOK_PORT:-8703} $${NOT_A_VARIABLE} ${SECRET_SAUCE:-1}'), [
    '${SECRET_SAUCE} is neither in configSchema nor a documented infrastructure variable',
  ]);
});

test('self-check: a single-stage root Dockerfile with a dev install and the whole context is reported', () => {
  const problems = dockerfileProblems(`
FROM node:latest
WORKDIR /app
COPY . .
RUN npm install
HEALTHCHECK CMD curl -f http://localhost:8703/health
CMD ["npx", "tsx", "client/webhook-receiver-main.ts"]
`);
  for (const expected of [/multi-stage/, /FROM node:latest/, /npm ci/, /production dependencies only/, /non-root USER/, /NODE_ENV=production/, /HEALTHCHECK/, /whole context/, /run the worker/]) {
    assert.ok(problems.some((problem) => expected.test(problem)), `reports ${expected}: ${problems.join(' | ')}`);
  }
  assert.deepEqual(dockerfileProblems('FROM node:20.20.2-slim AS build\nRUN npm ci \\\n  --omit=dev\nFROM node:20.20.2-slim\nENV NODE_ENV=production\nCOPY --from=build /app/node_modules ./node_modules\nUSER 0\nCMD ["node", "dist/worker/main.js"]\n'), [
    'the runtime stage must switch to a non-root USER',
  ]);
});

test('self-check: interpolation reads defaults and refuses a missing required variable', () => {
  assert.equal(interpolate('${A:-x}-${B}-$${C}', { B: 'b' }), 'x-b-${C}');
  assert.equal(interpolate('${A:-x}', { A: '' }), 'x');
  assert.equal(interpolate('${A-x}', { A: '' }), '');
  assert.throws(() => interpolate('${A:?set A}', {}), /A is required: set A/);
  assert.deepEqual(publishedPorts({ ports: ['127.0.0.1:${P:-8704}:${P:-8704}', '8080', { published: '9000', target: 90 }] }, {}), [
    { host: 8704, container: 8704, hostIp: '127.0.0.1' },
    { host: 8080, container: 8080 },
    { host: 9000, container: 90 },
  ]);
});
