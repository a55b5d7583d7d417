import { PulsarClientError } from '../errors';

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
}

/** FIFO whose `shift()` waits (optionally with a timeout) until an item arrives or the queue closes. */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private readonly waiters: Waiter<T>[] = [];
  private closedWith: PulsarClientError | undefined;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    const waiter = this.waiters.length > 0 ? this.waiters.shift() : undefined;
    if (waiter) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.resolve(item);
      return;
    }
    this.items.push(item);
  }

  tryShift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  shift(timeoutMs?: number): Promise<T> {
    if (this.size > 0) return Promise.resolve(this.tryShift()!);
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(new PulsarClientError('Timeout', `no message received within ${timeoutMs} ms`, { retriable: true }));
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Drops buffered items (e.g. after a seek) and returns them. */
  clear(): T[] {
    const dropped = this.items.slice(this.head);
    this.items.length = 0;
    this.head = 0;
    return dropped;
  }

  /** Removes and returns buffered items matching `predicate`, keeping the rest in order. */
  removeWhere(predicate: (item: T) => boolean): T[] {
    const all = this.clear();
    const removed: T[] = [];
    for (const item of all) (predicate(item) ? removed : this.items).push(item);
    return removed;
  }

  /** Fails current and future waiters once the buffer is drained. */
  close(error: PulsarClientError): void {
    this.closedWith = error;
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
