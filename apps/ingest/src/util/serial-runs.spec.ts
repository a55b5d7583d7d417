import { SerialRuns } from './serial-runs';

describe('SerialRuns', () => {
  it('starts a task only after the previous one settled, even when it failed', async () => {
    const runs = new SerialRuns();
    const log: string[] = [];
    let finishFirst!: () => void;
    const first = runs.run(
      () =>
        new Promise<void>((resolve) => {
          log.push('first start');
          finishFirst = () => {
            log.push('first end');
            resolve();
          };
        }),
    );
    const failing = runs.run(async () => {
      log.push('second');
      throw new Error('boom');
    });
    const third = runs.run(async () => {
      log.push('third');
      return 3;
    });
    await Promise.resolve();
    expect(log).toEqual(['first start']);
    finishFirst();
    await first;
    await expect(failing).rejects.toThrow('boom');
    await expect(third).resolves.toBe(3);
    expect(log).toEqual(['first start', 'first end', 'second', 'third']);
  });

  it('close waits for queued work and releases once', async () => {
    const runs = new SerialRuns();
    const order: string[] = [];
    const queued = runs.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(runs.closed ? 'ran after close was asked' : 'ran');
    });
    const release = jest.fn(async () => {
      order.push('released');
    });
    await Promise.all([runs.close(release), runs.close(release)]);
    await queued;
    expect(order).toEqual(['ran after close was asked', 'released']);
    expect(release).toHaveBeenCalledTimes(1);
    expect(runs.closed).toBe(true);
  });
});
