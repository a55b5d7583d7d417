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
const CREATED_BY = 'retail-lakehouse @retail/iceberg';

/** Everything the Parquet writer is configured with, as plain data (it travels to the encoder worker). */
export interface ParquetSettings {
  compression: Compression;
  maxRowGroupRows: number;
  /** Columns written with a dictionary; every other column is written without. */
  dictionaryPaths: string[];
  createdBy: string;
}

export function parquetSettings(schema: arrow.Schema, options: ParquetWriteOptions = {}): ParquetSettings {
  let paths = dictionaryPathsBySchema.get(schema);
  if (!paths) dictionaryPathsBySchema.set(schema, (paths = dictionaryColumnPaths(schema)));
  return {
    compression: options.compression ?? Compression.ZSTD,
    maxRowGroupRows: options.maxRowGroupRows ?? DEFAULT_MAX_ROW_GROUP_ROWS,
    dictionaryPaths: paths,
    createdBy: CREATED_BY,
  };
}

/** Encodes an Arrow IPC stream (batches carrying `PARQUET:field_id` metadata) as one Parquet file. */
export function encodeParquetIpc(ipc: Uint8Array, settings: ParquetSettings): Uint8Array {
  let builder = new WriterPropertiesBuilder()
    .setCompression(settings.compression)
    .setMaxRowGroupSize(settings.maxRowGroupRows)
    .setDictionaryEnabled(false)
    .setCreatedBy(settings.createdBy);
  for (const path of settings.dictionaryPaths) builder = builder.setColumnDictionaryEnabled(path, true);
  return writeParquet(WasmTable.fromIPCStream(ipc), builder.build());
}

/**
 * Encodes Arrow batches as one Parquet file on the calling thread. parquet-wasm writes whole
 * files from an Arrow IPC stream, so the file is built in memory.
 */
export function writeParquetBytes(
  schema: arrow.Schema,
  batches: arrow.RecordBatch[],
  options: ParquetWriteOptions = {},
): Uint8Array {
  return encodeParquetIpc(arrow.tableToIPC(new arrow.Table(schema, batches), 'stream'), parquetSettings(schema, options));
}
