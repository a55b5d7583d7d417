import fc from 'fast-check';
import { KeyedMinHeap } from './min-heap';

describe('KeyedMinHeap', () => {
  it('pops items by ascending key whatever the order of pushes and pops', () => {
    const operation = fc.oneof(fc.record({ push: fc.integer({ min: -50, max: 50 }) }), fc.constant({ pop: true as const }));
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
        const heap = new KeyedMinHeap<{ key: number; n: number }>();
        const model: { key: number; n: number }[] = [];
        operations.forEach((operation, n) => {
          if ('push' in operation) {
            heap.push(operation.push, { key: operation.push, n });
            model.push({ key: operation.push, n });
            return;
          }
          const smallest = Math.min(...model.map((item) => item.key));
          expect(heap.peekKey()).toBe(model.length === 0 ? Number.POSITIVE_INFINITY : smallest);
          const popped = heap.pop();
          if (model.length === 0) return expect(popped).toBeUndefined();
          expect(popped?.key).toBe(smallest);
          const at = model.findIndex((item) => item.n === popped?.n);
          expect(at).toBeGreaterThanOrEqual(0);
          model.splice(at, 1);
        });
        expect(heap.size).toBe(model.length);
        expect(heap.values().map((item) => item.n).sort((a, b) => a - b)).toEqual(model.map((item) => item.n));
      }),
      { numRuns: 200 },
    );
  });

  it('empties on clear', () => {
    const heap = new KeyedMinHeap<string>();
    heap.push(2, 'b');
    heap.push(1, 'a');
    heap.clear();
    expect([heap.size, heap.peekKey(), heap.pop()]).toEqual([0, Number.POSITIVE_INFINITY, undefined]);
  });
});
