import type { TableIdentifier } from '../catalog/rest/client';
import { expireSnapshots, type ExpireSnapshotsOptions, type ExpireSnapshotsResult } from './expire-snapshots';

/** The settings a service exposes for its periodic expiry (SNAPSHOT_EXPIRY_* in the apps). */
export interface SnapshotExpirySettings {
  /** Off: the job never runs (expiry is done elsewhere, or not at all). */
  enabled: boolean;
  /** Pause between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Snapshots older than this are expired (each writer's newest epoch and checkpoint always stay). */
  maxAgeMs: number;
  /** ...but the newest this many snapshots of each table always stay. */
  retainLast: number;
}

/**
 * Services commit about once a second, and every commit response carries the whole metadata: an
 * hour of history is ~3,600 snapshots in each response. Ten minutes keeps that near 600.
 */
export const DEFAULT_SERVICE_SNAPSHOT_MAX_AGE_MS = 10 * 60_000;
/** Time travel over the last cycles survives any age cutoff. */
export const DEFAULT_SERVICE_SNAPSHOT_RETAIN_LAST = 100;

/** What one table's expiry came to: handed to the caller for its metrics and logs. */
export type SnapshotExpiryOutcome =
  | { identifier: TableIdentifier; result: ExpireSnapshotsResult; error?: undefined }
  | { identifier: TableIdentifier; error: unknown; result?: undefined };

export interface SnapshotExpiryJobOptions {
  settings: SnapshotExpirySettings;
  /** The tables to expire, asked at every pass. */
  tables: () => readonly TableIdentifier[];
  /** Catalog, FileIO (and anything else but the table and the policy) for `expireSnapshots`. */
  target: Omit<ExpireSnapshotsOptions, 'identifier' | 'olderThanMs' | 'retainLast'>;
  /** Called once per table and pass, success or failure; it must not throw. */
  onOutcome: (outcome: SnapshotExpiryOutcome) => void;
  /** Tests: the expiry call and the clock. */
  expire?: (options: ExpireSnapshotsOptions) => Promise<ExpireSnapshotsResult>;
  now?: () => number;
}

/**
 * Expires old snapshots of a service's tables, one table after the other. Either on its own timer
 * (`start`) or driven by the caller (`runOnce`, for a service that must not overlap its own commits
 * with it). Failures are reported to `onOutcome` and never thrown: expiry is maintenance, the
 * tables stay correct without it, and the next pass tries again.
 */
export class SnapshotExpiryJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: SnapshotExpiryJobOptions) {}

  /** Schedules a pass every `intervalMs` (nothing when disabled or stopped). */
  start(): void {
    if (!this.options.settings.enabled || this.stopped) return;
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => {
        if (!this.stopped) this.schedule();
      });
    }, this.options.settings.intervalMs);
    this.timer.unref();
  }

  /** No new pass or table starts; resolves once the table in progress (if any) is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every table; never rejects. */
  runOnce(): Promise<void> {
    const pass = this.pass().finally(() => {
      if (this.running === pass) this.running = undefined;
    });
    this.running = pass;
    return pass;
  }

  private async pass(): Promise<void> {
    const { settings, target, onOutcome } = this.options;
    const expire = this.options.expire ?? expireSnapshots;
    const now = this.options.now ?? Date.now;
    for (const identifier of this.options.tables()) {
      if (this.stopped) return;
      let outcome: SnapshotExpiryOutcome;
      try {
        const result = await expire({ ...target, identifier, olderThanMs: now() - settings.maxAgeMs, retainLast: settings.retainLast });
        outcome = { identifier, result };
      } catch (error) {
        outcome = { identifier, error };
      }
      try {
        onOutcome(outcome);
      } catch {
        // A reporting bug must not stop maintenance (nor reject a pass the timer does not await).
      }
    }
  }
}
