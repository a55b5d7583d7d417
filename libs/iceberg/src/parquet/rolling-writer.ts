import type * as arrow from 'apache-arrow';
import { MetricsCollector, type FileMetrics } from '../stats/column-stats';
import type { MetricsConfig } from '../stats/metrics-config';
import type { Schema } from '../spec/types';
import { inlineParquetEncoder, type ParquetEncoder } from './encoder';
import type { ParquetWriteOptions } from './parquet-file';

export interface ClosedFile {
  bytes: Uint8Array;
  metrics: FileMetrics;
}

export interface RollingWriterOptions extends ParquetWriteOptions {
  /** Roll to a new file once the estimated encoded size reaches this many bytes. */
  targetFileSizeBytes: number;
  /** Called with each finished file (upload it, record its DataFile). */
  onFile: (file: ClosedFile) => Promise<void>;
  /** Defaults to encoding on the calling thread. */
  encoder?: ParquetEncoder;
  /** Column metrics modes; defaults to Iceberg's `truncate(16)` for every column. */
  metricsConfig?: MetricsConfig;
}

/**
 * Buffers conformed Arrow batches and emits Parquet files of roughly the target size. The encoded
 * size is only known after encoding, so the writer estimates it from the Arrow in-memory size and
 * the compression ratio observed on its previous files (starting from a conservative guess).
 */
export class RollingParquetWriter {
  static readonly INITIAL_COMPRESSION_RATIO = 0.25;
  private batches: arrow.RecordBatch[] = [];
  private bufferedBytes = 0;
  private compressionRatio = RollingParquetWriter.INITIAL_COMPRESSION_RATIO;
  private metrics: MetricsCollector;

  constructor(
    private readonly arrowSchema: arrow.Schema,
    private readonly schema: Schema,
    private readonly options: RollingWriterOptions,
  ) {
    this.metrics = new MetricsCollector(schema, options.metricsConfig);
  }

  get bufferedRows(): number {
    return this.batches.reduce((sum, b) => sum + b.numRows, 0);
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    if (batch.numRows === 0) return;
    this.batches.push(batch);
    this.metrics.add(batch);
    this.bufferedBytes += batch.data.byteLength;
    if (this.bufferedBytes * this.compressionRatio >= this.options.targetFileSizeBytes) await this.flush();
  }

  /**
   * Writes whatever is buffered as one file (no-op when empty). `encoded` runs once the file's
   * bytes exist and `onFile` has started with them (before the upload ends), or right away when
   * there is nothing to write.
   */
  async flush(encoded?: () => void): Promise<void> {
    if (this.batches.length === 0) {
      encoded?.();
      return;
    }
    const bytes = await (this.options.encoder ?? inlineParquetEncoder).encode(this.arrowSchema, this.batches, this.options);
    const metrics = this.metrics.metrics();
    // Forget the rows only once the file is stored: a failed upload is retried by the next flush.
    const stored = this.options.onFile({ bytes, metrics });
    encoded?.();
    await stored;
    if (this.bufferedBytes > 0) this.compressionRatio = Math.max(0.01, bytes.byteLength / this.bufferedBytes);
    this.batches = [];
    this.bufferedBytes = 0;
    this.metrics = new MetricsCollector(this.schema, this.options.metricsConfig);
  }
}
