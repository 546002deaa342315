# syntax=docker/dockerfile:1
# The Ovation server as an image: docs/deployment.md#containers explains it, and compose.yaml runs two of them behind nginx.
ARG NODE_IMAGE=node:20-bookworm-slim

# Every dependency, better-sqlite3 built from source when no prebuilt binary fits, then `npm run build` (npm ci runs it
# as the package's prepare script): the server, the typed client and the web app, in dist/.
FROM ${NODE_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci

# The production dependencies alone. Scripts are skipped because the package's own prepare script is the build, which
# needs the dev dependencies; better-sqlite3's native build is then run by itself.
FROM ${NODE_IMAGE} AS dependencies
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts && npm rebuild better-sqlite3

# What runs: Node, tini as PID 1 (it hands SIGTERM to the server, which then shuts down gracefully, and reaps), and the
# built server as the unprivileged `node` user. On SQLite, mount a volume at /var/lib/ovation and run one container.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \
  && mkdir /var/lib/ovation && chown node:node /var/lib/ovation
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATABASE_URL=/var/lib/ovation/ovation.db
USER node
EXPOSE 3000
# The readiness probe: the database and the bus answer. Longer than a start that applies migrations.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server/main.js"]
