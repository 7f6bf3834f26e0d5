# tracknum: a small glibc image (uWebSockets.js ships glibc binaries only), non-root.
#   docker build -t tracknum .
#   docker run -p 3000:3000 -v tracknum-state:/var/lib/tracknum tracknum
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 STATE_DIR=/var/lib/tracknum
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /var/lib/tracknum && chown node:node /var/lib/tracknum
USER node
VOLUME /var/lib/tracknum
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=2s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
