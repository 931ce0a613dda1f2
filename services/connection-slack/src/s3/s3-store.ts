import { GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Metrics } from '@megatron/runtime';

export interface S3Settings {
  bucket: string;
  region: string;
  /** S3-compatible stores (s3rver, MinIO) need an endpoint and path-style addressing. */
  endpoint?: string;
  /** Without both, the SDK's default chain applies (e.g. a pod's web identity). */
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** The bucket that relayed files pass through, with presigned GET URLs for the other side. */
export class S3Store {
  private readonly client: S3Client;
  private readonly bytes;
  private readonly errors;

  constructor(
    private readonly settings: S3Settings,
    metrics: Metrics,
  ) {
    this.client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
      ...(settings.accessKeyId && settings.secretAccessKey
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
        : {}),
    });
    this.bytes = metrics.counter({ name: 'megatron_s3_bytes_total', help: 'Bytes written to S3', labelNames: ['operation'] });
    this.errors = metrics.counter({ name: 'megatron_s3_errors_total', help: 'Failed S3 operations', labelNames: ['operation'] });
  }

  get bucket(): string {
    return this.settings.bucket;
  }

  async put(key: string, body: Buffer, contentType: string, signal: AbortSignal): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }),
        { abortSignal: signal },
      );
      this.bytes.inc({ operation: 'put' }, body.length);
    } catch (error) {
      this.errors.inc({ operation: 'put' });
      throw error;
    }
  }

  async presignGet(key: string, expiresInSeconds: number): Promise<string> {
    try {
      return await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds });
    } catch (error) {
      this.errors.inc({ operation: 'presign' });
      throw error;
    }
  }

  /** Readiness: the bucket exists and these credentials reach it. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      this.errors.inc({ operation: 'head_bucket' });
      throw new Error(`S3 bucket ${this.bucket} is not reachable: ${error instanceof Error ? error.name : String(error)}`);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
