/** A binary min-heap under a total order; pop order depends only on the order, never on insertion history. */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(item, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && this.before(items[right]!, items[left]!) ? right : left;
      if (!this.before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }

  /** Every item in pop order (a copy; the heap is unchanged). */
  sorted(): T[] {
    return [...this.items].sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
  }

  clear(): void {
    this.items.length = 0;
  }
}

/**
 * A binary min-heap of items under a numeric key, ties popped in any order. Keys sit in their own
 * array of doubles, so sifting compares numbers instead of calling an ordering function on two
 * objects; callers that need a total order break ties among the items of one key themselves.
 */
export class KeyedMinHeap<T> {
  private readonly keys: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The smallest key; +Infinity when empty. */
  peekKey(): number {
    return this.items.length === 0 ? Number.POSITIVE_INFINITY : this.keys[0]!;
  }

  push(key: number, item: T): void {
    const keys = this.keys;
    const items = this.items;
    let i = items.length;
    keys.push(key);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentKey = keys[parent]!;
      if (parentKey <= key) break;
      keys[i] = parentKey;
      items[i] = items[parent]!;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
  }

  /** Removes and returns an item of the smallest key. */
  pop(): T | undefined {
    const keys = this.keys;
    const items = this.items;
    const top = items[0];
    const lastKey = keys.pop();
    const last = items.pop();
    const n = items.length;
    if (n === 0 || last === undefined || lastKey === undefined) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let childKey = keys[child]!;
      const right = child + 1;
      if (right < n) {
        const rightKey = keys[right]!;
        if (rightKey < childKey) {
          child = right;
          childKey = rightKey;
        }
      }
      if (childKey >= lastKey) break;
      keys[i] = childKey;
      items[i] = items[child]!;
      i = child;
    }
    keys[i] = lastKey;
    items[i] = last;
    return top;
  }

  /** Every item, in no particular order (a copy). */
  values(): T[] {
    return this.items.slice();
  }

  clear(): void {
    this.keys.length = 0;
    this.items.length = 0;
  }
}
