import { Code, ConnectError } from '@connectrpc/connect';

/** The time a call may still spend, shared by every Slack/S3 request and wait made on its behalf. */
export class CallDeadline {
  readonly signal: AbortSignal;

  constructor(
    readonly expiresAt: number,
    callerSignal?: AbortSignal,
  ) {
    const timeout = AbortSignal.timeout(Math.max(0, expiresAt - Date.now()));
    this.signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
  }

  static in(ms: number, callerSignal?: AbortSignal): CallDeadline {
    return new CallDeadline(Date.now() + ms, callerSignal);
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - Date.now());
  }

  get expired(): boolean {
    return this.signal.aborted || this.remainingMs() === 0;
  }

  /** The error a call ends with once its budget is gone (or its caller gave up). */
  error(doing: string): ConnectError {
    if (this.remainingMs() > 0) return new ConnectError(`${doing}: cancelled by the caller`, Code.Canceled);
    return new ConnectError(`${doing}: deadline exceeded`, Code.DeadlineExceeded);
  }

  /** Waits `ms`, or rejects with the deadline's error as soon as the call is over. */
  sleep(ms: number, doing: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.expired) return reject(this.error(doing));
      const onAbort = () => {
        clearTimeout(timer);
        reject(this.error(doing));
      };
      const timer = setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Settles with `work`, or with the deadline's error if that comes first. */
  race<T>(work: Promise<T>, doing: string): Promise<T> {
    if (this.expired) {
      work.catch(() => undefined);
      return Promise.reject(this.error(doing));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.error(doing));
      this.signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          this.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}
