import { z } from 'zod';
import { configTypes } from './service-config';
import { setting } from './setting';

export interface SnapshotExpiryDefaults {
  intervalMs: number;
  maxAgeMs: number;
  retainLast: number;
}

/**
 * Periodic snapshot expiry of a service's tables: SNAPSHOT_EXPIRY_ENABLED, SNAPSHOT_EXPIRY_INTERVAL_MS,
 * SNAPSHOT_EXPIRY_MAX_AGE_MS, SNAPSHOT_EXPIRY_RETAIN_LAST. The defaults come from the service (and
 * the table library); this only keeps the variable names and their checks alike across services.
 */
export function snapshotExpirySettings(defaults: SnapshotExpiryDefaults) {
  return z.object({
    /** Off: the tables keep every snapshot (run expiry elsewhere, e.g. Trino's expire_snapshots). */
    enabled: setting(z.boolean().default(true), { env: 'SNAPSHOT_EXPIRY_ENABLED' }),
    intervalMs: setting(configTypes.durationMs().default(defaults.intervalMs), { env: 'SNAPSHOT_EXPIRY_INTERVAL_MS' }),
    maxAgeMs: setting(configTypes.nonNegativeMs().default(defaults.maxAgeMs), { env: 'SNAPSHOT_EXPIRY_MAX_AGE_MS' }),
    retainLast: setting(z.int().positive().default(defaults.retainLast), { env: 'SNAPSHOT_EXPIRY_RETAIN_LAST' }),
  });
}
