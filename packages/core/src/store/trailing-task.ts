/**
 * Runs an async job after events (such as writes) without ever running it twice at once: calls
 * while it runs collapse into one more run afterwards. Adapters use it for housekeeping that must
 * not slow the write that triggers it, such as audit retention.
 */
export class TrailingTask {
  #running: Promise<void> | undefined;
  #again = false;

  constructor(private readonly job: () => Promise<void>) {}

  /** Runs the job now, or once more after the current run. Never rejects: the job handles its errors. */
  trigger(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.job();
      } while (this.#again);
    })().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves when no run is in progress (for `close()`). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }
}
