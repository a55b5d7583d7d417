import { Compression } from 'parquet-wasm/node';
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
