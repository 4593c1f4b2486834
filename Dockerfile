# syntax=docker/dockerfile:1

# Build: compile TypeScript with the full dependency set.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# Runtime: production dependencies and the compiled code only, as the unprivileged node user.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
# The command line as `huimin` (package.json "bin"): docker compose exec api huimin create-admin --name NAME
RUN chmod 0755 dist/src/cli/index.js && ln -s /app/dist/src/cli/index.js /usr/local/bin/huimin \
 && mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Small semi-spaces keep a streamed million-payment file under 256 MB (docs/scaling.md); npm start passes the same.
CMD ["node", "--max-semi-space-size=4", "dist/src/server.js"]
