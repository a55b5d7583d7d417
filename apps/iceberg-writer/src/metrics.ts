import { Counter, Gauge, Histogram, type Registry } from '@retail/runtime';

/** The writer's Prometheus metrics, registered on the service registry. */
export function createWriterMetrics(registry: Registry) {
  const registers = [registry];
  return {
    messagesConsumed: new Counter({ name: 'iceberg_writer_messages_consumed_total', help: 'Pulsar messages received', labelNames: ['topic'], registers }),
    messagesSkipped: new Counter({
      name: 'iceberg_writer_messages_skipped_total',
      help: 'Redelivered messages already committed (acked without writing)',
      labelNames: ['table'],
      registers,
    }),
    rowsCommitted: new Counter({ name: 'iceberg_writer_rows_committed_total', help: 'Rows committed to Iceberg', labelNames: ['table'], registers }),
    deadLetters: new Counter({ name: 'iceberg_writer_dead_letters_total', help: 'Malformed messages sent to the dead-letter table', labelNames: ['reason'], registers }),
    commitDuration: new Histogram({
      name: 'iceberg_writer_commit_duration_seconds',
      help: 'Write + commit time of one table in one cycle',
      labelNames: ['table'],
      buckets: [0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30],
      registers,
    }),
    commitRetries: new Counter({ name: 'iceberg_writer_commit_retries_total', help: 'Commit attempts repeated (conflicts, unknown outcomes, errors)', labelNames: ['table'], registers }),
    batchSize: new Histogram({
      name: 'iceberg_writer_batch_messages',
      help: 'Messages per commit cycle',
      buckets: [1, 10, 100, 500, 1000, 5000, 10000, 50000, 100000],
      registers,
    }),
    snapshotsExpired: new Counter({ name: 'iceberg_writer_snapshots_expired_total', help: 'Old table snapshots removed by the expiry job', labelNames: ['table'], registers }),
    snapshotExpiryFailures: new Counter({
      name: 'iceberg_writer_snapshot_expiry_failures_total',
      help: 'Expiry runs of a table that failed (retried at the next interval)',
      labelNames: ['table'],
      registers,
    }),
    checkpointLag: new Gauge({
      name: 'iceberg_writer_checkpoint_lag_seconds',
      help: 'Publish-to-commit delay of the newest message of the last committed cycle',
      registers,
    }),
  };
}

export type WriterMetrics = ReturnType<typeof createWriterMetrics>;
