/**
 * Runs tasks one after another. The inference wrappers reuse one input buffer per session, so a
 * second run must not start while the first is still reading it. `close` waits for what is queued,
 * then releases the resource once.
 */
export class SerialRuns {
  private tail: Promise<unknown> = Promise.resolve();
  private isClosed = false;

  /** True once `close` was called; tasks queued before it still run and should refuse work. */
  get closed(): boolean {
    return this.isClosed;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async close(release: () => Promise<void>): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.tail;
    await release();
  }
}
