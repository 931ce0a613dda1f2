import type { SimFileObject } from '../../../src/types.js';

// The simulator serves these inline; every other type is only offered as a download (see file-transfer.ts).
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Files shared in a message: images inline, anything else as a card that downloads it. */
export function Files({ files }: { files: SimFileObject[] }) {
  return (
    <div class="files">
      {files.map((file) => {
        const url = `/_sim/file-content/${encodeURIComponent(file.id)}`;
        if (INLINE_IMAGES.has(file.mimetype)) {
          return (
            <figure key={file.id} class="file-image">
              <figcaption>{file.title || file.name}</figcaption>
              <a href={url} target="_blank" rel="noopener noreferrer"><img src={url} alt={file.title || file.name} loading="lazy" /></a>
            </figure>
          );
        }
        return (
          <a key={file.id} class="file-card" href={url} download={file.name}>
            <span class="file-icon" aria-hidden="true">📄</span>
            <span class="file-meta">
              <span class="file-name">{file.title || file.name}</span>
              <span class="file-type">{file.pretty_type} · {size(file.size)}</span>
            </span>
          </a>
        );
      })}
    </div>
  );
}
