// s3rver (an S3-compatible server written in Node) in-process on 127.0.0.1 for the
// model-distribution tests; s3rver ships no type declarations, so its slice is typed here.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  port: number;
  address: string;
  directory: string;
  silent: boolean;
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface TestS3Server {
  endpoint: string;
  port: number;
  client: S3Client;
  close(): Promise<void>;
}

// s3rver accepts any credentials; the SDK only needs some to sign with.
process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';

export async function startS3Server(bucket: string, port = 0): Promise<TestS3Server> {
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    directory: mkdtempSync(join(tmpdir(), 'cartridge-s3rver-')),
    silent: true,
  });
  const info = await server.run();
  const endpoint = `http://127.0.0.1:${info.port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    port: info.port,
    client,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}
