/** Waits the simulator itself imposes (the latency fault) that a reset or close must end at once. */
export class Sleeps {
  private readonly waiting = new Map<NodeJS.Timeout, () => void>();

  /** Resolves true after `ms`, or false as soon as `cancelAll` runs. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(timer);
        resolve(true);
      }, ms);
      this.waiting.set(timer, () => resolve(false));
    });
  }

  cancelAll(): void {
    for (const [timer, cancel] of this.waiting) {
      clearTimeout(timer);
      cancel();
    }
    this.waiting.clear();
  }
}
