# syntax=docker/dockerfile:1
# relbot container image: build on Node 20 with the toolchain better-sqlite3 compiles with,
# run on a slim Node 20 as the unprivileged `node` user with the SQLite file on the /data volume.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# better-sqlite3 compiles from source here (its install script must run).
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    RELBOT_REQUIRE_CREDENTIALS=1 \
    RELBOT_DB=/data/relbot.db \
    RELBOT_CONFIG=/config/relbot.yaml \
    PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml relbot.example.yaml ./
COPY fixtures ./fixtures
RUN mkdir -p /data /config && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
