import { IcebergError } from '../errors';
import type { ExpireSnapshotsOptions, ExpireSnapshotsResult } from './expire-snapshots';
import { SnapshotExpiryJob, type SnapshotExpiryOutcome } from './snapshot-expiry-job';

const tables = [
  { namespace: ['bronze'], name: 'detections' },
  { namespace: ['ops'], name: 'dead_letters' },
];
const result = (expired: number): ExpireSnapshotsResult => ({
  expiredSnapshotIds: Array.from({ length: expired }, (_, i) => i + 1),
  deletedManifestLists: expired,
  deletedManifests: 0,
  deletedDataFiles: 0,
  failedDeletes: [],
});

function job(expire: (options: ExpireSnapshotsOptions) => Promise<ExpireSnapshotsResult>, enabled = true) {
  const outcomes: SnapshotExpiryOutcome[] = [];
  const expiry = new SnapshotExpiryJob({
    settings: { enabled, intervalMs: 10, maxAgeMs: 600_000, retainLast: 100 },
    tables: () => tables,
    target: { catalog: {} as never, io: {} as never },
    onOutcome: (outcome) => outcomes.push(outcome),
    expire,
    now: () => 10_000_000,
  });
  return { expiry, outcomes };
}

describe('SnapshotExpiryJob', () => {
  it('expires every table with the configured age and count, and reports each result', async () => {
    const calls: ExpireSnapshotsOptions[] = [];
    const { expiry, outcomes } = job(async (options) => {
      calls.push(options);
      return result(options.identifier.name === 'detections' ? 3 : 0);
    });
    await expiry.runOnce();
    expect(calls.map((c) => [c.identifier.name, c.olderThanMs, c.retainLast])).toEqual([
      ['detections', 10_000_000 - 600_000, 100],
      ['dead_letters', 10_000_000 - 600_000, 100],
    ]);
    expect(outcomes.map((o) => [o.identifier.name, o.result?.expiredSnapshotIds.length])).toEqual([
      ['detections', 3],
      ['dead_letters', 0],
    ]);
  });

  it('goes on with the other tables when one fails, reporting the error instead of throwing', async () => {
    const failure = new IcebergError('IO', 'store down', { retriable: true });
    const { expiry, outcomes } = job(async (options) => {
      if (options.identifier.name === 'detections') throw failure;
      return result(2);
    });
    await expect(expiry.runOnce()).resolves.toBeUndefined();
    expect(outcomes.map((o) => [o.identifier.name, o.error, o.result?.expiredSnapshotIds.length])).toEqual([
      ['detections', failure, undefined],
      ['dead_letters', undefined, 2],
    ]);
  });

  it('stop() waits for the table in progress and starts no further table', async () => {
    let release!: () => void;
    const started: string[] = [];
    const { expiry } = job(async (options) => {
      started.push(options.identifier.name);
      await new Promise<void>((resolve) => (release = resolve));
      return result(1);
    });
    const pass = expiry.runOnce();
    await Promise.resolve();
    let stopped = false;
    const stopping = expiry.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    await pass;
    expect(started).toEqual(['detections']);
  });

  describe('schedule', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('runs every interval until stopped, and never when disabled', async () => {
      let runs = 0;
      const { expiry } = job(async () => (runs++, result(0)));
      expiry.start();
      await jest.advanceTimersByTimeAsync(9);
      expect(runs).toBe(0);
      await jest.advanceTimersByTimeAsync(1); // first interval: every table once
      expect(runs).toBe(tables.length);
      await jest.advanceTimersByTimeAsync(20);
      expect(runs).toBe(3 * tables.length);
      await expiry.stop();
      await jest.advanceTimersByTimeAsync(100);
      expect(runs).toBe(3 * tables.length);

      let disabledRuns = 0;
      const disabled = job(async () => (disabledRuns++, result(0)), false).expiry;
      disabled.start();
      await jest.advanceTimersByTimeAsync(100);
      expect(disabledRuns).toBe(0);
    });
  });
});
