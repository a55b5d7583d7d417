import { Compression, readParquet } from 'parquet-wasm/node';
import { inlineParquetEncoder, workerParquetEncoder } from './encoder';
import * as arrow from 'apache-arrow';
import { compressionFromProperties, dictionaryColumnPaths } from './parquet-file';

describe('compressionFromProperties', () => {
  it('maps Iceberg codec names and defaults to zstd', () => {
    expect(compressionFromProperties({})).toBe(Compression.ZSTD);
    expect(compressionFromProperties({ 'write.parquet.compression-codec': 'SNAPPY' })).toBe(Compression.SNAPPY);
    expect(() => compressionFromProperties({ 'write.parquet.compression-codec': 'lzo' })).toThrow(
      'write.parquet.compression-codec=lzo',
    );
  });
});

describe('dictionaryColumnPaths', () => {
  it('lists string and binary leaves, including those inside structs, and nothing else', () => {
    const schema = new arrow.Schema([
      new arrow.Field('store_id', new arrow.Utf8()),
      new arrow.Field('count', new arrow.Int64()),
      new arrow.Field('bbox', new arrow.Struct([new arrow.Field('x', new arrow.Float32()), new arrow.Field('label', new arrow.Utf8())])),
      new arrow.Field('raw', new arrow.Binary()),
      new arrow.Field('tags', new arrow.List(new arrow.Field('element', new arrow.Utf8()))),
    ]);
    expect(dictionaryColumnPaths(schema)).toEqual(['store_id', 'bbox.label', 'raw']);
  });
});

describe('Parquet encoders', () => {
  it('encode the same file on a worker thread as inline, field ids included', async () => {
    const field = new arrow.Field('id', new arrow.Int64(), false, new Map([['PARQUET:field_id', '7']]));
    const schema = new arrow.Schema([field, new arrow.Field('name', new arrow.Utf8(), true, new Map([['PARQUET:field_id', '8']]))]);
    const table = new arrow.Table({
      id: arrow.vectorFromArray([1n, 2n, 3n], new arrow.Int64()),
      name: arrow.vectorFromArray(['a', null, 'c'], new arrow.Utf8()),
    });
    const batch = new arrow.RecordBatch(schema, table.batches[0]!.data.clone(new arrow.Struct(schema.fields)));
    const [onWorker, inline] = await Promise.all([workerParquetEncoder().encode(schema, [batch], {}), inlineParquetEncoder.encode(schema, [batch], {})]);
    const read = (bytes: Uint8Array) => arrow.tableFromIPC(readParquet(bytes).intoIPCStream());
    const back = read(onWorker);
    expect(back.toArray().map((r) => [r.id, r.name])).toEqual([
      [1n, 'a'],
      [2n, null],
      [3n, 'c'],
    ]);
    expect(back.schema.fields.map((f) => f.metadata.get('PARQUET:field_id'))).toEqual(['7', '8']);
    expect(read(inline).toArray().map((r) => r.name)).toEqual(['a', null, 'c']);
    // The worker compiles parquet-wasm on start: seconds on a loaded 2-core machine.
  }, 30_000);
});
