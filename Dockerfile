# One image for the three processes of the service: the worker (default command), the webhook
# receiver and the codec server (docker-compose.yml gives each its command). The TypeScript is
# compiled in a build stage (`npm run build`, scripts/build.ts: esbuild, node_modules left
# external) and runs on plain `node`: the image holds no sources, no tsx and no dev dependencies,
# and the worker loads its workflows bundled at build time instead of bundling them at start.
# BENCHMARKS.md (Memory) has what each of the worker's settings below saves.
#
# Base: node 20.20.2 (the Node the tests run on) on Debian bookworm, slim. Pinned by tag; to pin
# by digest as well, append the digest your registry reports for this tag
# (`docker buildx imagetools inspect node:20.20.2-bookworm-slim`) to the three FROM lines.

# --- build: every dependency from the lockfile, then dist/ (compiled entry points, workflow bundle) ---
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# What the build reads: the entry points' modules, and workflows/ for the workflow bundle.
COPY tsconfig.json ./
COPY common ./common
COPY domain ./domain
COPY activities ./activities
COPY workflows ./workflows
COPY worker ./worker
COPY client ./client
COPY scripts ./scripts
RUN npm run build

# --- dependencies: production dependencies only, from the lockfile ---
FROM node:20.20.2-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: dist/ and production node_modules, run as the unprivileged `node` user ---
FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only for the app: the process cannot rewrite its own code. Nothing is
# written under /app at run time (PAYLOAD_ENCRYPTION_KEY is set, so no key file in DATA_DIR;
# logs go to stdout).
COPY --from=dependencies /app/node_modules ./node_modules
# package.json: its "type": "module" makes node load dist/**/*.js as ES modules.
COPY package.json ./
COPY --from=build /app/dist ./dist
# The worker's process settings, for its memory (target: a peak under 300 MB over a 10,000-order
# backfill). They apply to every process of the image; the receiver, the codec server and the
# CLI need far less. `npm run bench:memory -- --as-shipped` reads these lines and starts its
# worker with them, so change them here and measure there (BENCHMARKS.md, Memory, has the runs).
# Compiled and run on plain node with these settings, an idle worker holds about 135 MiB; under
# tsx with the same settings, 160-175.
# The workflows bundled at build time: bundling them at start (webpack) leaves about 110 MiB
# behind in the worker (idle: 270-280 MiB under tsx), and takes tens of seconds on every restart.
ENV TEMPORAL_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
# glibc's malloc gives threads up to 8 arenas per core, each keeping memory freed in it; the
# SDK's threads (its Rust core, the workflow thread) spread over them. With one, the peak over a
# 4,000-order backfill was 258 MiB against 271 with two, for no CPU cost we could measure
# (glibc's per-thread caches serve most small allocations without taking the arena's lock).
ENV MALLOC_ARENA_MAX=1
# V8's heaps, one for the main thread and one for the workflow thread (both flags apply to each).
# --max-semi-space-size: the young generation, where each workflow activation's and request's
# short-lived objects go, grows to 16 MiB a semi-space by default; at 2 MiB the peak over a
# 1,000-order backfill was about 250 MiB against 315, for 5-10 % more worker CPU an order.
# --max-old-space-size: each thread's heap holds about 45 MiB live with 200 cached workflows; the
# limit caps what V8 lets it grow to in a burst (Node's default is a quarter of the machine's
# memory, and V8 lets a heap reach several times its live data before collecting it).
ENV NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=2"
USER node
# No HEALTHCHECK here: the image runs three different processes (the worker has no HTTP port),
# so each service's health check lives in docker-compose.yml.
# `node` itself rather than `npm start` or a shell: one process, so SIGTERM from `docker stop`
# reaches the app and the worker drains its tasks before exiting.
CMD ["node", "dist/worker/main.js"]
