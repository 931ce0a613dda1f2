import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { sendText } from './http-util.js';

/** Where `npm run build` puts the browser UI (`vite build`, see ui/vite.config.ts), beside `dist`. */
export const UI_BUNDLE_FOLDER = 'dist-ui';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The built UI: `uiDir` when given (and only it), else dist-ui next to the running dist (the image, `npm start`), under
 * the repository root (the sandbox, tests) or the working directory. Searched this way because the same
 * source runs as ESM when built and as CommonJS under jest, so neither import.meta nor __dirname works for both.
 */
export function findUiBundle(uiDir?: string): string | undefined {
  if (uiDir !== undefined) return existsSync(path.join(uiDir, 'index.html')) ? uiDir : undefined;
  const candidates = [
    process.argv[1] ? path.resolve(path.dirname(process.argv[1]), '..', UI_BUNDLE_FOLDER) : undefined,
    path.resolve('tools', 'slack-sim', UI_BUNDLE_FOLDER),
    path.resolve(UI_BUNDLE_FOLDER),
  ];
  return candidates.find((dir) => dir !== undefined && existsSync(path.join(dir, 'index.html')));
}

/**
 * `GET /` and `GET /assets/...`: the UI's static files. Asset names carry a content hash, so they may be cached
 * for good; index.html never is, so a rebuilt bundle shows on the next reload.
 */
export async function serveUi(res: ServerResponse, bundle: string | undefined, pathname: string): Promise<void> {
  if (!bundle) {
    sendText(res, 200, 'slack-sim is running; Web API at /api/, control API at /_sim/. '
      + 'The browser UI is not built: run `npm run build` in the repository, then reload.');
    return;
  }
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
  const file = path.resolve(bundle, relative);
  // A path that climbs out of the bundle (`/assets/../../secret`) is simply not found.
  if (!file.startsWith(`${path.resolve(bundle)}${path.sep}`)) {
    sendText(res, 404, 'not found');
    return;
  }
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch {
    sendText(res, 404, 'not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': content.length.toString(),
    'cache-control': relative === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    // Messages are rendered as text, never as HTML; this is the second wall should that ever slip.
    'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'",
  });
  res.end(content);
}
