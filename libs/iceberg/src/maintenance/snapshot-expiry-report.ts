import type { TableIdentifier } from '../catalog/rest/client';
import { IcebergError } from '../errors';
import type { SnapshotExpiryOutcome } from './snapshot-expiry-job';

/** The slice of a pino-style logger the report uses (the library does not depend on the runtime's). */
export interface ExpiryLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** The slice of a prom-client counter with a `table` label. */
export interface TableCounter {
  inc(labels: { table: string }, value?: number): void;
}

export interface SnapshotExpiryReportOptions {
  log: ExpiryLog;
  /** Snapshots removed, per table. */
  expired: TableCounter;
  /** Table passes that failed, per table. */
  failures: TableCounter;
  /** The `table` label and log field of a table (services label without their test prefixes, say). */
  tableLabel: (identifier: TableIdentifier) => string;
}

/**
 * The usual `onOutcome` of a SnapshotExpiryJob: counts and logs what was removed (nothing when
 * nothing was due), counts and logs failures. Catalog and store errors are expected now and then
 * (warn); anything else is a bug worth an error line, yet still only maintenance.
 */
export function snapshotExpiryReport(options: SnapshotExpiryReportOptions): (outcome: SnapshotExpiryOutcome) => void {
  const { log, expired, failures, tableLabel } = options;
  return (outcome) => {
    const table = tableLabel(outcome.identifier);
    if (outcome.result === undefined) {
      failures.inc({ table });
      const fields = { err: outcome.error, table };
      if (outcome.error instanceof IcebergError) log.warn(fields, 'snapshot expiry failed; trying again at the next interval');
      else log.error(fields, 'snapshot expiry failed unexpectedly; trying again at the next interval');
      return;
    }
    const { expiredSnapshotIds, deletedManifestLists, deletedDataFiles, failedDeletes } = outcome.result;
    if (expiredSnapshotIds.length === 0) return;
    expired.inc({ table }, expiredSnapshotIds.length);
    log.info({ table, expired: expiredSnapshotIds.length, deletedManifestLists, deletedDataFiles, failedDeletes: failedDeletes.length }, 'expired old snapshots');
  };
}
