import { Code, ConnectError } from '@connectrpc/connect';

/**
 * The time a call may still spend, shared by every Slack/S3 request and wait made on its behalf. Waits are
 * bounded with a plain timer and the caller's signal; an AbortSignal of the deadline itself (AbortSignal.timeout
 * and .any, each costly on the relay's hot path) is made only for the requests that take one (S3, fetch).
 */
export class CallDeadline {
  private combined: AbortSignal | undefined;
  /** Set when a wait's timer saw the budget run out: a timer may fire a millisecond before the clock says so. */
  private timedOut = false;

  constructor(
    readonly expiresAt: number,
    private readonly callerSignal?: AbortSignal,
  ) {}

  static in(ms: number, callerSignal?: AbortSignal): CallDeadline {
    return new CallDeadline(Date.now() + ms, callerSignal);
  }

  /** Aborts when the budget is gone or the caller gave up. */
  get signal(): AbortSignal {
    if (!this.combined) {
      const timeout = AbortSignal.timeout(this.remainingMs());
      this.combined = this.callerSignal ? AbortSignal.any([this.callerSignal, timeout]) : timeout;
    }
    return this.combined;
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - Date.now());
  }

  get expired(): boolean {
    return this.timedOut || this.callerSignal?.aborted === true || this.remainingMs() === 0;
  }

  /** The error a call ends with once its budget is gone (or its caller gave up). */
  error(doing: string): ConnectError {
    if (!this.timedOut && this.remainingMs() > 0) return new ConnectError(`${doing}: cancelled by the caller`, Code.Canceled);
    return new ConnectError(`${doing}: deadline exceeded`, Code.DeadlineExceeded);
  }

  /** Waits `ms`, or rejects with the deadline's error as soon as the call is over. */
  sleep(ms: number, doing: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.expired) return reject(this.error(doing));
      const stop = this.whenOver(doing, (error) => {
        clearTimeout(timer);
        reject(error);
      });
      const timer = setTimeout(() => {
        stop();
        resolve();
      }, ms);
    });
  }

  /** Settles with `work`, or with the deadline's error if that comes first. */
  race<T>(work: Promise<T>, doing: string): Promise<T> {
    if (this.expired) {
      work.catch(() => undefined);
      return Promise.reject(this.error(doing));
    }
    return new Promise<T>((resolve, reject) => {
      const stop = this.whenOver(doing, reject);
      work.then(
        (value) => {
          stop();
          resolve(value);
        },
        (error: unknown) => {
          stop();
          reject(error);
        },
      );
    });
  }

  /** Calls `over` with the call's error when the budget runs out or the caller gives up; returns how to stop listening. */
  private whenOver(doing: string, over: (error: ConnectError) => void): () => void {
    const caller = this.callerSignal;
    const cancelled = () => {
      clearTimeout(timer);
      over(this.error(doing));
    };
    const timer = setTimeout(() => {
      caller?.removeEventListener('abort', cancelled);
      this.timedOut = true;
      over(this.error(doing));
    }, this.remainingMs());
    caller?.addEventListener('abort', cancelled, { once: true });
    return () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', cancelled);
    };
  }
}
