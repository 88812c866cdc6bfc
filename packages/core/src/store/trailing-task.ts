/**
 * Runs an async job after events (such as writes) without ever running it twice at once: calls
 * while it runs collapse into one more run afterwards. Adapters use it for housekeeping that must
 * not slow the write that triggers it, such as audit retention.
 */
export class TrailingTask {
  #running = false;
  #again = false;
  #done: Promise<void> = Promise.resolve();

  /**
   * @param job returns `true` when it stopped early with work left (a bounded batch), to run again.
   * @param minIntervalMs least time between the starts of two runs (a busy store is not trimmed back to back).
   */
  constructor(
    private readonly job: () => Promise<boolean | void>,
    private readonly minIntervalMs = 0,
  ) {}

  /** Runs the job now, or once more after the current run. Never rejects: the job handles its errors. */
  trigger(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.#done = this.#loop();
  }

  async #loop(): Promise<void> {
    try {
      let more: boolean | void;
      do {
        this.#again = false;
        const started = Date.now();
        more = await this.job();
        const wait = this.minIntervalMs - (Date.now() - started);
        if ((more || this.#again) && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref());
      } while (more === true || this.#again);
    } finally {
      // Cleared with no await after the last check: a trigger from now on starts a new run.
      this.#running = false;
    }
  }

  /** Resolves when no run is in progress (for `close()`). */
  async idle(): Promise<void> {
    while (this.#running) await this.#done;
  }
}
