import { PartitionClocks } from './partition-clocks';

describe('PartitionClocks (evidence for idle cameras)', () => {
  it('has no evidence before a caught-up receive', () => {
    const clocks = new PartitionClocks();
    expect(clocks.evidenceOf(0)).toBe(Number.NEGATIVE_INFINITY);
    clocks.observe(0, 1_000, 5_000);
    expect(clocks.evidenceOf(0)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('takes the newest publish time seen per partition as evidence once caught up', () => {
    const clocks = new PartitionClocks();
    expect(clocks.observe(0, 1_000, 5_000)).toBe(1_000);
    clocks.observe(0, 3_000, 5_000);
    clocks.observe(0, 2_000, 5_000); // an older publish time never moves it back
    clocks.observe(1, 1_500, 5_000);
    clocks.received(true);
    expect([clocks.evidenceOf(0), clocks.evidenceOf(1), clocks.evidenceOf(2)]).toEqual([3_000, 1_500, Number.NEGATIVE_INFINITY]);
  });

  it('does not move while a backlog is being read (full receives), and moves when caught up again', () => {
    const clocks = new PartitionClocks();
    clocks.observe(0, 1_000, 2_000);
    clocks.received(true);
    clocks.observe(0, 60_000, 90_000);
    clocks.received(false);
    expect(clocks.evidenceOf(0)).toBe(1_000);
    clocks.received(true);
    expect(clocks.evidenceOf(0)).toBe(60_000);
  });

  it('never runs ahead of the wall clock (a producer clock running fast)', () => {
    const clocks = new PartitionClocks();
    expect(clocks.observe(0, 100_000, 10_000)).toBe(10_000);
    clocks.received(true);
    expect(clocks.evidenceOf(0)).toBe(10_000);
  });

  it('does not move while nothing is published, however long the wall clock runs', () => {
    const clocks = new PartitionClocks();
    clocks.observe(0, 1_000, 1_000);
    for (let i = 0; i < 10; i++) clocks.received(true);
    expect(clocks.evidenceOf(0)).toBe(1_000);
  });
});
