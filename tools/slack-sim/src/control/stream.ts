import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChangeFeed } from '../change-feed.js';

/** `GET /_sim/stream`: the change feed as server-sent events, one `data:` line per change. */
export class ChangeStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly feed: ChangeFeed) {}

  serve(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache',
      connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': slack-sim changes\n\n');
    const unsubscribe = this.feed.subscribe((change) => res.write(`data: ${JSON.stringify(change)}\n\n`));
    this.open.add(res);
    req.on('close', () => {
      unsubscribe();
      this.open.delete(res);
    });
  }

  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
