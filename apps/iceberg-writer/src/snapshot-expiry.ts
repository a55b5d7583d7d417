import { snapshotExpiryReport, SnapshotExpiryJob, type SnapshotExpiryJobOptions, type TableIdentifier } from '@retail/iceberg';
import type { Logger } from '@retail/runtime';
import type { IcebergWriterConfig } from './config';
import type { WriterMetrics } from './metrics';
import { tableKey } from './tables';

export interface WriterExpiryOptions extends Pick<SnapshotExpiryJobOptions, 'target' | 'expire' | 'now'> {
  settings: IcebergWriterConfig['snapshotExpiry'];
  tables: TableIdentifier[];
  logger: Logger;
  metrics: Pick<WriterMetrics, 'snapshotsExpired' | 'snapshotExpiryFailures'>;
}

/**
 * Expires old snapshots of the written tables on its own timer. A writer commits one snapshot per
 * table per cycle (86k a day at 1 s), and every metadata load, commit response and recovery walk
 * grows with them. It runs beside the commits: removing snapshots never moves `main`, so appends do
 * not conflict with it, and its own commit re-plans when `main` moved meanwhile. `expireSnapshots`
 * always keeps each writer's newest epoch and checkpoint (docs/exactly-once.md).
 */
export function writerSnapshotExpiry(options: WriterExpiryOptions): SnapshotExpiryJob {
  const { tables, logger, metrics } = options;
  return new SnapshotExpiryJob({
    settings: options.settings,
    tables: () => tables,
    target: options.target,
    onOutcome: snapshotExpiryReport({ log: logger, expired: metrics.snapshotsExpired, failures: metrics.snapshotExpiryFailures, tableLabel: tableKey }),
    ...(options.expire ? { expire: options.expire } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
