# syntax=docker/dockerfile:1
# The Node image shared by the orchestrator, actors and web (`cartridge <subcommand>`).
# Build from the repository root:  docker build -f docker/node.Dockerfile -t cartridge:dev .
# Stage 1 compiles the C++ addon and installs production dependencies; stage 2 ships only the
# runtime files and runs as an unprivileged user (the pods add a read-only root filesystem;
# tsx caches its transpiled files in /tmp, an emptyDir there).

FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake ninja-build g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# onnxruntime-node: keep the CPU build inside the package (its install script would fetch CUDA).
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
# Scripts off: the root "install" script needs the sources, copied below.
RUN npm ci --ignore-scripts \
 && npm rebuild better-sqlite3 onnxruntime-node
COPY CMakeLists.txt ./
COPY native ./native
RUN npx cmake-js compile --release \
 && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    CARTRIDGE_ADDON=/app/build/Release/cartridge.node
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build/Release/cartridge.node ./build/Release/cartridge.node
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
RUN groupadd --system --gid 10001 cartridge \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --shell /usr/sbin/nologin cartridge
USER 10001:10001
# Actor metrics/health (9100) and web (8080).
EXPOSE 8080 9100
ENTRYPOINT ["node", "/app/bin/cartridge.js"]
CMD ["--help"]
