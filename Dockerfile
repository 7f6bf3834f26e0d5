# tracknum: a small glibc-based image (uWebSockets.js ships glibc binaries only; no Alpine/musl),
# built from a clean checkout in two stages, running as a non-root user. See docs/deploying.md.
#   docker build -t tracknum .
#   (umask 077 && docker run --rm tracknum keygen > tracking-number.key)   # the key first: NODE_ID needs one
#   sudo chown 1000 tracking-number.key                                    # the image's user reads it, nobody else
#   docker run -d --name tracknum -p 3000:3000 --ulimit core=0 -e NODE_ID=1 \
#     -v "$PWD/tracking-number.key:/run/secrets/tracking-number-key:ro" \
#     -e TRACKING_NUMBER_KEY_FILE=/run/secrets/tracking-number-key \
#     -v tracknum-state:/var/lib/tracknum --read-only --stop-timeout 30 tracknum
#   docker run --rm tracknum --help                                        # the entry point is the tracknum command

FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The production build, the same as scripts/install.sh's: `npm run bundle` (scripts/bundle.ts) bundles each
# thread's code into one file with esbuild (main.js, worker/worker.js) and adds the one uWebSockets.js binary
# this node loads, etcd's .proto files and a package.json; it stops if this node cannot load the binary. The
# typia validators are generated ahead of time and committed (src/validation/generated), so no compiler runs.
COPY tsconfig.json ./
COPY scripts/bundle.ts ./scripts/
COPY src ./src
# The commit the bundle reports (tracknum --version): .git is not in the build context, so pass it:
# docker build --build-arg TRACKNUM_COMMIT=$(git rev-parse HEAD) ...
ARG TRACKNUM_COMMIT=unknown
RUN TRACKNUM_COMMIT=$TRACKNUM_COMMIT npm run bundle -- --out /build/bundle

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 STATE_DIR=/var/lib/tracknum
WORKDIR /app
# The bundle only (about 9 MB): no node_modules, no TypeScript, no build tool. Root-owned, so read-only to the
# service: it writes only to its state directory.
COPY --from=build /build/bundle ./
# The tracknum command: the image's node on the bundle. The state directory: the service's user's, 0700 (tracknum
# refuses one that others can write to).
RUN printf '#!/bin/sh\nexec %s /app/main.js "$@"\n' "$(command -v node)" >/usr/local/bin/tracknum \
  && chmod 755 /usr/local/bin/tracknum \
  && mkdir -p /var/lib/tracknum && chown 1000:1000 /var/lib/tracknum && chmod 700 /var/lib/tracknum
# The image's `node` user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
VOLUME /var/lib/tracknum
EXPOSE 3000
# Healthy = ready: holds a node ID and can issue. Node, since the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The entry point is the tracknum command, serving by default: `docker run IMAGE decode NUMBER` runs a command
# instead. Its script execs node, so node runs as PID 1. PID 1 gets no default signal actions, but the service
# installs its own SIGTERM/SIGINT handlers (graceful drain), and it starts no child processes to reap, so no
# init (tini, --init) is needed. A drain can take 10-12 s: stop with a 30 s timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/tracknum"]
CMD ["serve"]
