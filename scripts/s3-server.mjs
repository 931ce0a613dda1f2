// Local S3-compatible server for development and tests. s3rver accepts any credentials (use S3RVER/S3RVER)
// and path-style addressing; it does not verify signatures, so nothing may rely on it for that.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import S3rver from 's3rver';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const endpoint = new URL(process.env.S3_ENDPOINT ?? 'http://127.0.0.1:4569');
const bucket = process.env.AWS_S3_BUCKET ?? 'megatron-dev';
const directory = process.env.S3_DATA_DIR ?? path.join(repoRoot, '.local', 's3');

if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
  console.error(`s3-server: AWS_S3_BUCKET "${bucket}" is not a valid bucket name`);
  process.exit(1);
}
if (endpoint.protocol !== 'http:' || endpoint.port === '') {
  console.error(`s3-server: S3_ENDPOINT "${endpoint.href}" must be http:// with an explicit port`);
  process.exit(1);
}

mkdirSync(directory, { recursive: true });
const server = new S3rver({
  address: endpoint.hostname,
  port: Number(endpoint.port),
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
});

server.run((error, address) => {
  if (error) {
    console.error(`s3-server: cannot listen on ${endpoint.host}: ${error.message}`);
    process.exit(1);
  }
  console.log(`s3-server: listening on ${address.address}:${address.port}, bucket ${bucket}, data in ${directory}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
