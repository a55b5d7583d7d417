import { IcebergError, type ExpireSnapshotsOptions, type ExpireSnapshotsResult } from '@retail/iceberg';
import { createLogger, Registry } from '@retail/runtime';
import { createWriterMetrics } from './metrics';
import { writerSnapshotExpiry } from './snapshot-expiry';

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
  const registry = new Registry();
  const metrics = createWriterMetrics(registry);
  const expiry = writerSnapshotExpiry({
    settings: { enabled, intervalMs: 10, maxAgeMs: 3_600_000, retainLast: 100 },
    tables,
    target: { catalog: {} as never, io: {} as never },
    logger: createLogger({ service: 'test', instanceId: 'test', level: 'fatal' }),
    metrics,
    expire,
    now: () => 10_000_000,
  });
  return { expiry, registry };
}

const counter = async (registry: Registry, name: string) => (await registry.getSingleMetric(name)!.get()).values.map((v) => [v.labels.table, v.value]);

describe('snapshot expiry job', () => {
  it('expires every table with the configured age and count, and counts what it removed', async () => {
    const calls: ExpireSnapshotsOptions[] = [];
    const { expiry, registry } = job(async (options) => {
      calls.push(options);
      return result(options.identifier.name === 'detections' ? 3 : 0);
    });
    await expiry.runOnce();
    expect(calls.map((c) => [c.identifier.name, c.olderThanMs, c.retainLast])).toEqual([
      ['detections', 10_000_000 - 3_600_000, 100],
      ['dead_letters', 10_000_000 - 3_600_000, 100],
    ]);
    expect(await counter(registry, 'iceberg_writer_snapshots_expired_total')).toEqual([['bronze.detections', 3]]);
  });

  it('goes on with the other tables when one fails, and counts the failure', async () => {
    const { expiry, registry } = job(async (options) => {
      if (options.identifier.name === 'detections') throw new IcebergError('IO', 'store down', { retriable: true });
      return result(2);
    });
    await expiry.runOnce();
    expect(await counter(registry, 'iceberg_writer_snapshot_expiry_failures_total')).toEqual([['bronze.detections', 1]]);
    expect(await counter(registry, 'iceberg_writer_snapshots_expired_total')).toEqual([['ops.dead_letters', 2]]);
  });
});
