# syntax=docker/dockerfile:1
# The image of any runnable workspace: the four services, the Slack simulator and the example bot.
#   docker build --build-arg WORKSPACE=services/command-core -t megatron-command-core .
# Build context: the repository root (see deploy/README.md). WORKSPACE is the workspace's folder; ENTRY is the
# file the image starts, relative to it. Every workspace starts from dist/main.js (what its `npm start` runs).
# RUN steps name paths relative to the WORKDIR: deploy/verify runs them on the host, in a folder standing for /.
ARG NODE_IMAGE=node:22-bookworm-slim
ARG ENTRY=dist/main.js

# The workspace and the @megatron/* packages it depends on, cut out of the context (scripts/image-workspace.mjs).
# The stages below copy from here, and BuildKit keys such copies on content: an edit elsewhere in the repository
# rebuilds nothing past this stage, and an edit to sources alone keeps the npm ci layers.
FROM ${NODE_IMAGE} AS workspace
ARG WORKSPACE
WORKDIR /context
COPY . .
RUN node scripts/image-workspace.mjs prune "$WORKSPACE" ../workspace

FROM ${NODE_IMAGE} AS build
ARG WORKSPACE
ARG ENTRY
WORKDIR /app
COPY --from=workspace /workspace/manifests ./
# Only this workspace's dependency closure, plus the compiler and Node types at the lockfile's versions
# (the root's other dev tools stay out of the image).
RUN npm ci --workspace "$WORKSPACE" --include-workspace-root=false --ignore-scripts --no-audit --no-fund \
 && npm install --no-save --workspace "$WORKSPACE" --include-workspace-root=false --ignore-scripts --no-audit --no-fund \
      typescript@$(node -p "require('./package-lock.json').packages['node_modules/typescript'].version") @types/node@$(node -p "require('./package-lock.json').packages['node_modules/@types/node'].version")
COPY --from=workspace /workspace/sources ./
# A workspace with a `bundle` script builds its static files too (the simulator's browser UI, with its devDependencies,
# installed above and left out of the runtime stage).
RUN npx tsc -b "$WORKSPACE" && npm run bundle --workspace "$WORKSPACE" --if-present \
 && node scripts/image-workspace.mjs ship "$WORKSPACE" "$ENTRY" ../ship

FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG WORKSPACE
ARG ENTRY
ENV NODE_ENV=production
WORKDIR /app
COPY --from=workspace /workspace/manifests ./
RUN npm ci --omit=dev --workspace "$WORKSPACE" --include-workspace-root=false --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /ship ./
LABEL org.opencontainers.image.title="megatron ${WORKSPACE}" org.opencontainers.image.base.name="${NODE_IMAGE}"
# Numeric, so the kubelet can verify runAsNonRoot; nothing is written outside /tmp (an emptyDir in the chart).
USER 1000:1000
# No EXPOSE and no HEALTHCHECK: ports come from the environment (HTTP_PORT, GRPC_PORT, PORT) and the chart declares
# them and the probes.
ENV MEGATRON_ENTRY=${WORKSPACE}/${ENTRY}
# An exec-form CMD cannot name the entry through a variable, so sh does and then execs node: node is PID 1 and
# handles SIGTERM itself (graceful shutdown, exit 0). The chart sets the same command explicitly.
CMD ["/bin/sh", "-c", "exec node --enable-source-maps --max-old-space-size=128 --max-semi-space-size=8 --single-threaded-gc \"$MEGATRON_ENTRY\""]
