import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import test from 'ava';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { ModelWatcher, modelVersionOf } from '../src/inference/index.js';
import { publishBestModel, S3ModelSync, s3StoreOptions, uploadModel } from '../src/models/index.js';
import { sqliteRows, startCli, waitFor as waitUntil } from './helpers/actor-checks.js';
import { writeTestModel } from './helpers/models.js';
import { startS3Server } from './helpers/s3-server.js';

const shape = { obsSize: 29, numActions: 9 };
const work = mkdtempSync(join(tmpdir(), 'cartridge-models-s3-'));
const bucket = 'cartridge-test';
const prefix = 'runs/a/models';
const modelA = writeTestModel(join(work, 'a.onnx'), shape, { seed: 1 });
const modelB = writeTestModel(join(work, 'b.onnx'), shape, { seed: 2 });

async function objectBytes(client: import('@aws-sdk/client-s3').S3Client, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test.serial(
  'upload writes the history object, latest.onnx and latest.json with the right bytes',
  async (t) => {
    const server = await startS3Server(bucket);
    t.teardown(() => server.close());
    const store = { endpoint: server.endpoint, bucket, prefix, region: 'us-east-1' };
    const result = await uploadModel(
      { file: modelA, iteration: 3, step: 1200, metadata: { sha256: 'abc' } },
      store,
    );
    t.is(result.historyKey, 'runs/a/models/model_3_1200.onnx');
    t.is(result.latestKey, 'runs/a/models/latest.onnx');
    const original = readFileSync(modelA);
    t.deepEqual(await objectBytes(server.client, result.historyKey), original);
    t.deepEqual(await objectBytes(server.client, result.latestKey), original);
    const meta = JSON.parse((await objectBytes(server.client, result.metadataKey)).toString('utf8'));
    t.like(meta, { iteration: 3, step: 1200, key: 'runs/a/models/model_3_1200.onnx', sha256: 'abc' });
    t.is(meta.bytes, original.length);
  },
);

test.serial(
  'sync mirrors each new latest by ETag atomically and the ModelWatcher loads both versions',
  async (t) => {
    const server = await startS3Server(bucket);
    t.teardown(() => server.close());
    const store = { endpoint: server.endpoint, bucket, prefix, region: 'us-east-1' };
    const modelsDir = join(mkdtempSync(join(tmpdir(), 'cartridge-models-s3-dir-')), 'models');
    const downloads: string[] = [];
    const sync = new S3ModelSync({
      ...store,
      modelsDir,
      pollMs: 50,
      onDownload: (d) => downloads.push(d.etag),
    });
    await sync.start(); // nothing published yet: no file, no error
    t.is(sync.currentEtag, undefined);

    const loaded: string[] = [];
    const watcher = new ModelWatcher({
      path: join(modelsDir, 'latest.onnx'),
      shape,
      pollMs: 50,
      onModel: (m) => {
        loaded.push(m.version);
        void m.release();
      },
    });
    await watcher.start();
    t.teardown(async () => {
      watcher.close();
      await sync.close();
    });

    await uploadModel({ file: modelA, iteration: 1, step: 100 }, store);
    await waitFor(() => downloads.length === 1 && loaded.length === 1);
    t.deepEqual(readFileSync(join(modelsDir, 'latest.onnx')), readFileSync(modelA));

    // unchanged ETag: further polls download nothing
    await sync.poll();
    await sync.poll();
    t.is(downloads.length, 1);

    await uploadModel({ file: modelB, iteration: 2, step: 200 }, store);
    await waitFor(() => downloads.length === 2 && loaded.length === 2);
    t.deepEqual(readFileSync(join(modelsDir, 'latest.onnx')), readFileSync(modelB));
    t.not(downloads[0], downloads[1]);
    t.not(loaded[0], loaded[1]);
    // only latest.onnx: no temp files left behind
    t.deepEqual(readdirSync(modelsDir), ['latest.onnx']);
  },
);

test.serial(
  'an unreachable endpoint is retried without crashing and the sync recovers when it comes up',
  async (t) => {
    const port = await freePort();
    const store = { endpoint: `http://127.0.0.1:${port}`, bucket, prefix, region: 'us-east-1' };
    const modelsDir = mkdtempSync(join(tmpdir(), 'cartridge-models-s3-down-'));
    const sync = new S3ModelSync({ ...store, modelsDir, pollMs: 50 });
    await sync.start(); // connection refused: logged, not thrown
    await sync.poll();
    t.is(sync.currentEtag, undefined);
    t.deepEqual(readdirSync(modelsDir), []);

    const server = await startS3Server(bucket, port);
    t.teardown(async () => {
      await sync.close();
      await server.close();
    });
    await uploadModel({ file: modelA, iteration: 1, step: 1 }, store);
    await waitFor(() => sync.currentEtag !== undefined);
    t.deepEqual(readFileSync(join(modelsDir, 'latest.onnx')), readFileSync(modelA));
  },
);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

test.serial(
  'an actor following best.onnx mirrors <prefix>/best.onnx, never latest, and plays with it',
  async (t) => {
    const server = await startS3Server(bucket);
    t.teardown(() => server.close());
    const store = { endpoint: server.endpoint, bucket, prefix, region: 'us-east-1' };
    await uploadModel({ file: modelA, iteration: 2, step: 20 }, store); // the newest candidate
    t.is(await publishBestModel(modelB, store), 'runs/a/models/best.onnx'); // what the gate promoted
    t.deepEqual(await objectBytes(server.client, 'runs/a/models/best.onnx'), readFileSync(modelB));

    const cwd = mkdtempSync(join(tmpdir(), 'cartridge-models-s3-actor-'));
    const run = startCli(['actor', '--game', 'tictactoe', '--forever', '--sims', '4'], {
      cwd,
      env: {
        CARTRIDGE_MODELS_STORE: 's3',
        CARTRIDGE_MODELS_S3_ENDPOINT: server.endpoint,
        CARTRIDGE_MODELS_S3_BUCKET: bucket,
        CARTRIDGE_MODELS_S3_PREFIX: prefix,
        CARTRIDGE_MODELS_S3_POLL_MS: '100',
        CARTRIDGE_TRAINING_GENERATE_WITH: 'best',
        CARTRIDGE_ACTOR_WORKERS: '1',
        CARTRIDGE_ACTOR_GAMES_PER_WORKER: '4',
      },
    });
    t.teardown(() => run.child.kill('SIGKILL'));
    const db = join(cwd, 'data', 'replay.db');
    const best = modelVersionOf(modelB);
    await waitUntil(
      'episodes played with the promoted model',
      () => existsSync(db) && sqliteRows(db).some((r) => r.model_version === best),
      { timeoutMs: 90_000 },
    );
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    t.is(exit.code, 0, exit.stderr);
    t.false(
      sqliteRows(db).some((r) => r.model_version === modelVersionOf(modelA)),
      'the unpromoted latest never played',
    );
    t.deepEqual(readdirSync(join(cwd, 'data', 'models')), ['best.onnx']);
  },
);

test('config: models.store = s3 needs a bucket; env vars select the S3 store', (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'cartridge-models-config-'));
  const defaults = loadConfig({ env: {}, cwd }).config.models;
  t.like(defaults, {
    store: 'volume',
    s3_prefix: 'cartridge/models',
    s3_region: 'us-east-1',
    s3_poll_ms: 5000,
  });
  const error = t.throws(() => loadConfig({ env: { CARTRIDGE_MODELS_STORE: 's3' }, cwd }), {
    instanceOf: ConfigError,
  });
  t.regex(error.message, /models\.s3_bucket must be set/);
  const { config } = loadConfig({
    env: {
      CARTRIDGE_MODELS_STORE: 's3',
      CARTRIDGE_MODELS_S3_BUCKET: 'models',
      CARTRIDGE_MODELS_S3_ENDPOINT: 'http://minio:9000',
    },
    cwd,
  });
  t.deepEqual(s3StoreOptions(config), {
    endpoint: 'http://minio:9000',
    bucket: 'models',
    prefix: 'cartridge/models',
    region: 'us-east-1',
  });
});
