import { dataFileFromJson, dataFileToJson } from './data-file-json';
import { DataFileContent, type DataFile } from './types';

const full: DataFile = {
  content: DataFileContent.DATA,
  filePath: 's3://warehouse/db/t/data/d=2026-11-22/a.parquet',
  fileFormat: 'PARQUET',
  partition: [20_414, 1_763_769_600_000_000n, 'store-1', true, new Uint8Array([0, 255, 7]), null],
  recordCount: 42,
  fileSizeInBytes: 4_096,
  columnSizes: new Map([[1, 100]]),
  valueCounts: new Map([
    [1, 42],
    [2, 42],
  ]),
  nullValueCounts: new Map([[2, 3]]),
  nanValueCounts: new Map([[3, 0]]),
  lowerBounds: new Map([[1, new Uint8Array([1, 0, 0, 0])]]),
  upperBounds: new Map([[1, new Uint8Array([9, 0, 0, 0])]]),
  splitOffsets: [4],
  sortOrderId: 0,
};

describe('DataFile JSON', () => {
  it('round-trips every field through JSON text, keeping bigint and byte values', () => {
    const back = dataFileFromJson(JSON.parse(JSON.stringify(dataFileToJson(full))));
    expect(back).toEqual(full);
    expect(typeof back.partition[1]).toBe('bigint');
    expect(back.partition[4]).toBeInstanceOf(Uint8Array);
  });

  it('leaves absent optional fields absent', () => {
    const minimal: DataFile = { content: DataFileContent.DATA, filePath: 'mem://t/a.parquet', fileFormat: 'PARQUET', partition: [], recordCount: 1, fileSizeInBytes: 10 };
    const json = dataFileToJson(minimal);
    expect(Object.keys(json).sort()).toEqual(['content', 'fileFormat', 'filePath', 'fileSizeInBytes', 'partition', 'recordCount']);
    expect(dataFileFromJson(json)).toEqual(minimal);
  });

  it('names the record and the problem for malformed input', () => {
    expect(() => dataFileFromJson({ filePath: 'x' } as never, 'cycle 7 silver.detections[0]')).toThrow('cycle 7 silver.detections[0]: expected filePath, partition, recordCount and fileSizeInBytes');
    const json = dataFileToJson(full);
    expect(() => dataFileFromJson({ ...json, partition: [{ odd: 1 } as never] }, 'f')).toThrow('f partition[0]: partition value {"odd":1} is not a known form');
    expect(() => dataFileFromJson({ ...json, content: 9 }, 'f')).toThrow('f: content 9 is not a data file content');
  });
});
