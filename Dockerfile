# One image for the three processes of the service: the worker (default command), the webhook
# receiver and the codec server (docker-compose.yml gives each its command). TypeScript runs
# through tsx, as in development, so there is no build step whose output could drift from the
# source; tsx is therefore a production dependency.
#
# Base: node 20.20.2 (the Node the tests run on) on Debian bookworm, slim. Pinned by tag; to pin
# by digest as well, append the digest your registry reports for this tag
# (`docker buildx imagetools inspect node:20.20.2-bookworm-slim`) to both FROM lines.

# --- build: production dependencies only, from the lockfile ---
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: the app folders and production node_modules, run as the unprivileged `node` user ---
FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only for the app: the process cannot rewrite its own code. Nothing is
# written under /app at run time (PAYLOAD_ENCRYPTION_KEY is set, so no key file in DATA_DIR;
# logs go to stdout; tsx caches in /tmp).
COPY --from=build /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY common ./common
COPY domain ./domain
COPY activities ./activities
COPY workflows ./workflows
COPY worker ./worker
COPY client ./client
USER node
# No HEALTHCHECK here: the image runs three different processes (the worker has no HTTP port),
# so each service's health check lives in docker-compose.yml.
# `node --import tsx` rather than `npx tsx`: one process, so SIGTERM from `docker stop` reaches
# the app itself and the worker drains its tasks before exiting.
CMD ["node", "--import", "tsx", "worker/main.ts"]
