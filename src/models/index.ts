// Model distribution beyond the shared volume: S3-compatible object storage.
export {
  createS3Client,
  type ModelToPublish,
  objectKey,
  publishBestModel,
  S3ModelSync,
  type S3ModelSyncOptions,
  type S3StoreOptions,
  s3StoreOptions,
  type UploadResult,
  uploadModel,
} from './s3.js';
