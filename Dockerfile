# The worker image (and, once they land, the webhook receiver and codec server: same image,
# another command). TypeScript runs through tsx, as in development, so there is no build step
# whose output could drift from the source.
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
USER node
CMD ["npx", "tsx", "worker/main.ts"]
