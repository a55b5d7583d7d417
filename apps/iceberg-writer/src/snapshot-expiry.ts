import { expireSnapshots, IcebergError, type ExpireSnapshotsOptions, type ExpireSnapshotsResult, type TableIdentifier } from '@retail/iceberg';
import type { Logger } from '@retail/runtime';
import type { IcebergWriterConfig } from './config';
import type { WriterMetrics } from './metrics';
import { tableKey } from './tables';

export interface SnapshotExpiryJobOptions {
  settings: IcebergWriterConfig['snapshotExpiry'];
  tables: TableIdentifier[];
  /** Catalog, FileIO (and anything else but the table and the policy) for `expireSnapshots`. */
  target: Omit<ExpireSnapshotsOptions, 'identifier' | 'olderThanMs' | 'retainLast'>;
  logger: Logger;
  metrics: Pick<WriterMetrics, 'snapshotsExpired' | 'snapshotExpiryFailures'>;
  /** Tests: the expiry call and the clock. */
  expire?: (options: ExpireSnapshotsOptions) => Promise<ExpireSnapshotsResult>;
  now?: () => number;
}

/**
 * Expires old snapshots of the written tables every interval, in the background. A writer commits
 * one snapshot per table per cycle (86k a day at 1 s), and every metadata load, commit response and
 * recovery walk grows with them. It runs beside the commits: removing snapshots never moves `main`,
 * so appends do not conflict with it, and its own commit re-plans when `main` moved meanwhile.
 * `expireSnapshots` always keeps each writer's newest epoch and checkpoint (docs/exactly-once.md).
 * A failure is logged and counted; the next interval tries again.
 */
export class SnapshotExpiryJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: SnapshotExpiryJobOptions) {}

  start(): void {
    if (!this.options.settings.enabled || this.stopped) return;
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule();
      });
    }, this.options.settings.intervalMs);
    this.timer.unref();
  }

  /** No new run starts; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every table (exposed for tests). */
  async runOnce(): Promise<void> {
    const { settings, target, logger, metrics } = this.options;
    const expire = this.options.expire ?? expireSnapshots;
    const now = this.options.now ?? Date.now;
    for (const identifier of this.options.tables) {
      if (this.stopped) return;
      const table = tableKey(identifier);
      try {
        const result = await expire({ ...target, identifier, olderThanMs: now() - settings.maxAgeMs, retainLast: settings.retainLast });
        if (result.expiredSnapshotIds.length === 0) continue;
        metrics.snapshotsExpired.inc({ table }, result.expiredSnapshotIds.length);
        logger.info(
          { table, expired: result.expiredSnapshotIds.length, deletedManifestLists: result.deletedManifestLists, deletedDataFiles: result.deletedDataFiles, failedDeletes: result.failedDeletes.length },
          'expired old snapshots',
        );
      } catch (error) {
        if (!(error instanceof IcebergError)) logger.error({ err: error, table }, 'snapshot expiry failed unexpectedly; trying again at the next interval');
        else logger.warn({ err: error, table }, 'snapshot expiry failed; trying again at the next interval');
        metrics.snapshotExpiryFailures.inc({ table });
      }
    }
  }
}
