import { randomUUID } from 'node:crypto';

const MAX_NAME_LENGTH = 120;

/** Keeps a file name readable in the key while making it safe in a URL path and in S3. */
export function sanitiseFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const safe = base
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-MAX_NAME_LENGTH);
  return safe || 'file';
}

/** `temp/<uuid>/<name>`: relayed files are temporary (a bucket lifecycle rule on temp/ can expire them). */
export function relayObjectKey(name: string): string {
  return `temp/${randomUUID()}/${sanitiseFileName(name)}`;
}
