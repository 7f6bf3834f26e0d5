# tracknum: a small glibc-based image (uWebSockets.js ships glibc binaries only; no Alpine/musl),
# built from a clean checkout in two stages, running as a non-root user. See docs/deploying.md.
#   docker build -t tracknum .
#   docker run -d --name tracknum -p 3000:3000 -e NODE_ID=1 -v tracknum-state:/var/lib/tracknum \
#     --stop-timeout 30 tracknum

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The typia validators are generated ahead of time and committed (src/validation/generated); tspc
# (ts-patch) applies typia's transform while compiling.
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Then production dependencies only and, of uWebSockets.js's binaries (every platform and Node ABI,
# about 90 MB), only the one this node loads; the build fails if that one does not load.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && keep="$(node -p '"uws_" + process.platform + "_" + process.arch + "_" + process.versions.modules + ".node"')" \
 && find node_modules/uWebSockets.js/binaries -name '*.node' ! -name "$keep" -delete \
 && node --input-type=module -e "(await import('./dist/worker/uws.js')).loadUws()"

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 STATE_DIR=/var/lib/tracknum
WORKDIR /app
# Root-owned, so read-only to the service: it writes only to its state directory.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/tracknum && chown 1000:1000 /var/lib/tracknum
# The image's `node` user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
VOLUME /var/lib/tracknum
EXPOSE 3000
# Healthy = ready: holds a node ID and can issue. Node, since the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 (exec form, no shell). PID 1 gets no default signal actions, but the service
# installs its own SIGTERM/SIGINT handlers (graceful drain), and it starts no child processes to
# reap, so no init (tini, --init) is needed. A drain can take 10-12 s: stop with a 30 s timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/main.js"]
