import * as arrow from 'apache-arrow';
import { ConfigurationError } from '../errors';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';

export interface ParquetWriteOptions {
  /** Defaults to ZSTD, which every Iceberg engine reads. */
  compression?: Compression;
  maxRowGroupRows?: number;
}

export const DEFAULT_MAX_ROW_GROUP_ROWS = 1_000_000;
export const COMPRESSION_CODEC_PROPERTY = 'write.parquet.compression-codec';

const CODECS: Record<string, Compression> = {
  zstd: Compression.ZSTD,
  snappy: Compression.SNAPPY,
  gzip: Compression.GZIP,
  brotli: Compression.BROTLI,
  lz4: Compression.LZ4_RAW,
  uncompressed: Compression.UNCOMPRESSED,
};

/** Maps Iceberg's `write.parquet.compression-codec` table property (default zstd). */
export function compressionFromProperties(properties: Record<string, string> = {}): Compression {
  const name = (properties[COMPRESSION_CODEC_PROPERTY] ?? 'zstd').toLowerCase();
  const codec = CODECS[name];
  if (codec === undefined) {
    throw new ConfigurationError(
      `table property ${COMPRESSION_CODEC_PROPERTY}=${name} is not supported: use one of ${Object.keys(CODECS).join(', ')}`,
    );
  }
  return codec;
}

/**
 * Leaf paths (`a.b`) of the string and binary columns reachable through structs: the only columns
 * written with a dictionary. Measured on the benchmark's events, dictionaries on the numeric and
 * timestamp columns (mostly distinct values) doubled the encode time and made the ZSTD-compressed
 * file larger; on strings (store, camera, class names) they pay off and let readers prune by value.
 */
export function dictionaryColumnPaths(schema: arrow.Schema): string[] {
  const out: string[] = [];
  const visit = (field: arrow.Field, prefix: string): void => {
    const path = prefix ? `${prefix}.${field.name}` : field.name;
    if (arrow.DataType.isUtf8(field.type) || arrow.DataType.isBinary(field.type)) out.push(path);
    else if (arrow.DataType.isStruct(field.type)) for (const child of field.type.children) visit(child, path);
  };
  for (const field of schema.fields) visit(field, '');
  return out;
}

const dictionaryPathsBySchema = new WeakMap<arrow.Schema, string[]>();

/**
 * Encodes Arrow batches (already carrying `PARQUET:field_id` metadata) as one Parquet file.
 * parquet-wasm writes whole files from an Arrow IPC stream, so the file is built in memory.
 */
export function writeParquetBytes(
  schema: arrow.Schema,
  batches: arrow.RecordBatch[],
  options: ParquetWriteOptions = {},
): Uint8Array {
  const ipc = arrow.tableToIPC(new arrow.Table(schema, batches), 'stream');
  const table = WasmTable.fromIPCStream(ipc);
  let paths = dictionaryPathsBySchema.get(schema);
  if (!paths) dictionaryPathsBySchema.set(schema, (paths = dictionaryColumnPaths(schema)));
  let builder = new WriterPropertiesBuilder()
    .setCompression(options.compression ?? Compression.ZSTD)
    .setMaxRowGroupSize(options.maxRowGroupRows ?? DEFAULT_MAX_ROW_GROUP_ROWS)
    .setDictionaryEnabled(false)
    .setCreatedBy('retail-lakehouse @retail/iceberg');
  for (const path of paths) builder = builder.setColumnDictionaryEnabled(path, true);
  return writeParquet(table, builder.build());
}
