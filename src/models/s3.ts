// Model distribution through an S3-compatible object store, for clusters without a
// ReadWriteMany volume. The trainer publishes a history object and then `latest`; the
// orchestrator publishes `best` on each promotion; actors poll the one they follow (latest.onnx
// or best.onnx) by ETag and download it atomically into their local models dir, where the
// file-based ModelWatcher picks it up exactly as it would from a shared volume.
// Credentials come only from the AWS SDK's default chain (env vars, profile, IRSA...).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { CartridgeConfig } from '../config/index.js';
import { logger } from '../logging/index.js';

export interface S3StoreOptions {
  /** "" = the AWS default endpoint; otherwise an S3-compatible server (path-style addressing). */
  endpoint: string;
  bucket: string;
  prefix: string;
  region: string;
}

export function s3StoreOptions(config: CartridgeConfig): S3StoreOptions {
  return {
    endpoint: config.models.s3_endpoint,
    bucket: config.models.s3_bucket,
    prefix: config.models.s3_prefix,
    region: config.models.s3_region,
  };
}

/**
 * `maxAttempts` 1 suits the actors' poll (the next poll is the retry); publishers use the SDK's
 * retries with backoff, since a lost upload is only noticed by actors that never see the model.
 */
export function createS3Client(options: S3StoreOptions, maxAttempts = 1): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    maxAttempts,
  });
}

const PUBLISH_ATTEMPTS = 4;

function putObject(
  client: S3Client,
  options: S3StoreOptions,
  key: string,
  body: Buffer | string,
  contentType: string,
) {
  return client.send(
    new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: body, ContentType: contentType }),
  );
}

export function objectKey(prefix: string, name: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed ? `${trimmed}/${name}` : name;
}

export interface ModelToPublish {
  /** Local ONNX file of the new model. */
  file: string;
  iteration: number;
  step: number;
  /** Extra fields written into latest.json (e.g. sha256). */
  metadata?: Record<string, unknown>;
}

export interface UploadResult {
  historyKey: string;
  latestKey: string;
  metadataKey: string;
}

/**
 * Publishes a model: the history object model_<iteration>_<step>.onnx first, then
 * latest.onnx and latest.json, so a reader that sees a new latest finds its history object.
 */
export async function uploadModel(
  model: ModelToPublish,
  options: S3StoreOptions,
  client: S3Client = createS3Client(options, PUBLISH_ATTEMPTS),
): Promise<UploadResult> {
  const body = await readFile(model.file);
  const historyKey = objectKey(options.prefix, `model_${model.iteration}_${model.step}.onnx`);
  const latestKey = objectKey(options.prefix, 'latest.onnx');
  const metadataKey = objectKey(options.prefix, 'latest.json');
  const put = (key: string, data: Buffer | string, contentType: string) =>
    putObject(client, options, key, data, contentType);
  await put(historyKey, body, 'application/octet-stream');
  await put(latestKey, body, 'application/octet-stream');
  const metadata = {
    ...model.metadata,
    iteration: model.iteration,
    step: model.step,
    key: historyKey,
    bytes: body.length,
    published_at: new Date().toISOString(),
  };
  await put(metadataKey, `${JSON.stringify(metadata)}\n`, 'application/json');
  return { historyKey, latestKey, metadataKey };
}

/** Publishes a promoted model as <prefix>/best.onnx (actors with training.generate_with = best follow it). */
export async function publishBestModel(
  file: string,
  options: S3StoreOptions,
  client: S3Client = createS3Client(options, PUBLISH_ATTEMPTS),
): Promise<string> {
  const key = objectKey(options.prefix, 'best.onnx');
  await putObject(client, options, key, await readFile(file), 'application/octet-stream');
  return key;
}

export interface S3ModelSyncOptions extends S3StoreOptions {
  /** Local models dir; the object is written to <modelsDir>/<fileName>. */
  modelsDir: string;
  pollMs: number;
  /** Object and local file name (default latest.onnx). */
  fileName?: string;
  client?: S3Client;
  /** Called after each new version is in place. */
  onDownload?: (info: { etag: string; path: string; bytes: number }) => void;
}

/** Polls <prefix>/<fileName> by ETag and mirrors it atomically into the local models dir. */
export class S3ModelSync {
  private readonly log = logger('model-sync');
  private readonly client: S3Client;
  private readonly key: string;
  private readonly target: string;
  private etag: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastError = '';
  private closed = false;

  constructor(private readonly options: S3ModelSyncOptions) {
    this.client = options.client ?? createS3Client(options);
    const fileName = options.fileName ?? 'latest.onnx';
    this.key = objectKey(options.prefix, fileName);
    this.target = join(options.modelsDir, fileName);
  }

  /** ETag of the version now in the models dir (undefined before the first download). */
  get currentEtag(): string | undefined {
    return this.etag;
  }

  /** Runs a first poll (errors are logged, not thrown), then polls every pollMs. */
  async start(): Promise<void> {
    await this.poll();
    if (this.closed) return;
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (!this.options.client) this.client.destroy();
  }

  /** One poll; concurrent calls share the one in flight. Never throws. */
  poll(): Promise<void> {
    this.running ??= this.pollOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pollOnce(): Promise<void> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key }),
      );
      if (!head.ETag || head.ETag === this.etag || this.closed) return this.recovered();
      await this.download(head.ETag);
      this.recovered();
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NotFound' || name === 'NoSuchKey') return this.recovered(); // nothing published yet
      const message = `${name ?? 'Error'}: ${(error as Error).message}`;
      // log each distinct failure once, not every poll
      if (message !== this.lastError)
        this.log.warn(
          { bucket: this.options.bucket, key: this.key, err: message },
          'model sync failed; retrying',
        );
      this.lastError = message;
    }
  }

  private recovered(): void {
    if (this.lastError) this.log.info({ key: this.key }, 'model sync recovered');
    this.lastError = '';
  }

  private async download(expectedEtag: string): Promise<void> {
    // IfMatch: if latest changed between HEAD and GET, fail this poll and retry on the next
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key, IfMatch: expectedEtag }),
    );
    if (!object.Body) throw new Error('empty response body');
    const bytes = await object.Body.transformToByteArray();
    await mkdir(this.options.modelsDir, { recursive: true });
    const temp = join(
      this.options.modelsDir,
      `.${this.target.split('/').pop()}.${randomBytes(6).toString('hex')}.tmp`,
    );
    try {
      await writeFile(temp, bytes);
      await rename(temp, this.target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    this.etag = object.ETag ?? expectedEtag;
    this.log.info({ key: this.key, etag: this.etag, bytes: bytes.length }, 'downloaded new model');
    this.options.onDownload?.({ etag: this.etag, path: this.target, bytes: bytes.length });
  }
}
