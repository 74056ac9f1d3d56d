# syntax=docker/dockerfile:1
# The trainer image: PyTorch with CUDA, plus Node to run `cartridge trainer`, which passes the
# effective configuration to the Python trainer (trainer/cartridge_trainer) and reports its summary.
# Build from the repository root:  docker build -f docker/trainer.Dockerfile -t cartridge-trainer:dev .
# The same image trains on CPU (Kind overlay) when no GPU is present.

FROM node:20-bookworm-slim AS node-deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
# The trainer path needs no native addon: production dependencies only, no install scripts.
RUN npm ci --omit=dev --ignore-scripts

FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime AS runtime
RUN pip install --no-cache-dir "numpy<3" "onnx>=1.15" "psycopg2-binary>=2.9"
COPY --from=node-deps /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=node-deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY trainer ./trainer
ENV NODE_ENV=production \
    CARTRIDGE_PYTHON=/opt/conda/bin/python \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp
RUN groupadd --system --gid 10001 cartridge \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --shell /usr/sbin/nologin cartridge
USER 10001:10001
ENTRYPOINT ["node", "/app/bin/cartridge.js"]
CMD ["trainer", "--help"]
