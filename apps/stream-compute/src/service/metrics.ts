import { Counter, Gauge, Histogram, type Registry } from '@retail/runtime';

/** stream-compute's Prometheus metrics, registered on the service registry. */
export function createComputeMetrics(registry: Registry) {
  const registers = [registry];
  return {
    eventsIn: new Counter({ name: 'stream_compute_events_in_total', help: 'Detection messages received', registers }),
    skipped: new Counter({ name: 'stream_compute_events_skipped_total', help: 'Redelivered messages at or below their camera\'s committed position (acked, not processed)', registers }),
    rowsOut: new Counter({ name: 'stream_compute_rows_out_total', help: 'Rows committed per output table', labelNames: ['table'], registers }),
    late: new Counter({ name: 'stream_compute_late_events_total', help: 'Detections later than the allowed lateness', registers }),
    deadLetters: new Counter({ name: 'stream_compute_dead_letters_total', help: 'Messages sent to ops.dead_letters, by reason', labelNames: ['reason'], registers }),
    alertsPublished: new Counter({ name: 'stream_compute_alerts_published_total', help: 'Queue alerts sent to the alerts topic', registers }),
    watermarkLag: new Gauge({ name: 'stream_compute_watermark_lag_seconds', help: 'Wall clock minus the camera\'s watermark', labelNames: ['camera'], registers }),
    cameras: new Gauge({ name: 'stream_compute_cameras', help: 'Cameras with operator state in memory', registers }),
    stateBytes: new Gauge({ name: 'stream_compute_state_file_bytes', help: 'Compressed size of the last cycle file (state of changed cameras + rows)', registers }),
    commitDuration: new Histogram({
      name: 'stream_compute_commit_duration_seconds',
      help: 'One cycle: state file, all table commits, acknowledgements',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    cycleFilesDeleted: new Counter({ name: 'stream_compute_cycle_files_deleted_total', help: 'Cycle files deleted because no checkpoint refers to them any more', registers }),
    snapshotsExpired: new Counter({ name: 'stream_compute_snapshots_expired_total', help: 'Output-table snapshots expired, per table', labelNames: ['table'], registers }),
    snapshotExpiryFailures: new Counter({ name: 'stream_compute_snapshot_expiry_failures_total', help: 'Snapshot expiry runs that failed (retried at the next interval)', labelNames: ['table'], registers }),
    commitRetries: new Counter({ name: 'stream_compute_commit_retries_total', help: 'Cycle steps repeated after an error', registers }),
  };
}

export type ComputeMetrics = ReturnType<typeof createComputeMetrics>;
