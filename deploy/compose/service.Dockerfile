# One image per service: docker compose build (from deploy/compose) passes APP.
FROM node:24-bookworm-slim
ARG APP
WORKDIR /neo
COPY package.json package-lock.json ./
COPY . .
RUN npm ci --ignore-scripts && npm run prisma:generate && npx nx run ${APP}:build
# Production mode: Prisma's error format is then 'minimal', so it does not capture a stack trace
# on every query to locate the call in its error messages.
ENV APP=${APP} NODE_ENV=production
CMD ["sh", "-c", "exec node --enable-source-maps apps/$APP/dist/main.js"]
