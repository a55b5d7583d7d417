import { ValidationError } from '../errors';
import { DataFileContent, type DataFile, type PartitionValue } from './types';

/*
 * DataFile descriptions as plain JSON, for callers that store written-but-uncommitted files in a
 * record of their own and append them later (TableWriter.writeFiles / addFiles). The manifest's
 * Avro form is not reusable here: it needs the partition type to decode values, while this form
 * carries each value's kind. Maps become [field id, value] pairs; bytes (bounds, binary partition
 * values) become base64; bigint partition values become decimal strings.
 */

type JsonPartitionValue = number | string | boolean | null | { long: string } | { bytes: string };

export interface DataFileJson {
  content: number;
  filePath: string;
  fileFormat: DataFile['fileFormat'];
  partition: JsonPartitionValue[];
  recordCount: number;
  fileSizeInBytes: number;
  columnSizes?: [number, number][];
  valueCounts?: [number, number][];
  nullValueCounts?: [number, number][];
  nanValueCounts?: [number, number][];
  lowerBounds?: [number, string][];
  upperBounds?: [number, string][];
  splitOffsets?: number[];
  sortOrderId?: number;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

function partitionValueToJson(value: PartitionValue): JsonPartitionValue {
  if (typeof value === 'bigint') return { long: value.toString() };
  if (value instanceof Uint8Array) return { bytes: base64(value) };
  return value;
}

function partitionValueFromJson(value: JsonPartitionValue, path: string): PartitionValue {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'object' && typeof (value as { long?: unknown }).long === 'string') return BigInt((value as { long: string }).long);
  if (typeof value === 'object' && typeof (value as { bytes?: unknown }).bytes === 'string') return fromBase64((value as { bytes: string }).bytes);
  throw new ValidationError(`${path}: partition value ${JSON.stringify(value)} is not a known form`);
}

function pairs<V, J>(map: Map<number, V> | undefined, convert: (value: V) => J): [number, J][] | undefined {
  return map === undefined ? undefined : [...map].map(([id, value]) => [id, convert(value)]);
}

function mapOf<J, V>(list: [number, J][] | undefined, convert: (value: J) => V): Map<number, V> | undefined {
  return list === undefined ? undefined : new Map(list.map(([id, value]) => [id, convert(value)]));
}

const same = <T>(value: T) => value;

export function dataFileToJson(file: DataFile): DataFileJson {
  const json: DataFileJson = {
    content: file.content,
    filePath: file.filePath,
    fileFormat: file.fileFormat,
    partition: file.partition.map(partitionValueToJson),
    recordCount: file.recordCount,
    fileSizeInBytes: file.fileSizeInBytes,
  };
  const optional: Partial<DataFileJson> = {
    columnSizes: pairs(file.columnSizes, same),
    valueCounts: pairs(file.valueCounts, same),
    nullValueCounts: pairs(file.nullValueCounts, same),
    nanValueCounts: pairs(file.nanValueCounts, same),
    lowerBounds: pairs(file.lowerBounds, base64),
    upperBounds: pairs(file.upperBounds, base64),
    splitOffsets: file.splitOffsets,
    sortOrderId: file.sortOrderId,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (json as unknown as Record<string, unknown>)[key] = value;
  return json;
}

/** The inverse of dataFileToJson; `path` names the value in errors (e.g. the record it came from). */
export function dataFileFromJson(json: DataFileJson, path = 'data file'): DataFile {
  if (typeof json?.filePath !== 'string' || !Array.isArray(json.partition) || !Number.isInteger(json.recordCount) || !Number.isInteger(json.fileSizeInBytes)) {
    throw new ValidationError(`${path}: expected filePath, partition, recordCount and fileSizeInBytes`);
  }
  if (typeof json.content !== 'number' || DataFileContent[json.content] === undefined) throw new ValidationError(`${path}: content ${String(json.content)} is not a data file content`);
  const file: DataFile = {
    content: json.content as DataFileContent,
    filePath: json.filePath,
    fileFormat: json.fileFormat,
    partition: json.partition.map((value, i) => partitionValueFromJson(value, `${path} partition[${i}]`)),
    recordCount: json.recordCount,
    fileSizeInBytes: json.fileSizeInBytes,
  };
  const optional: Partial<DataFile> = {
    columnSizes: mapOf(json.columnSizes, same),
    valueCounts: mapOf(json.valueCounts, same),
    nullValueCounts: mapOf(json.nullValueCounts, same),
    nanValueCounts: mapOf(json.nanValueCounts, same),
    lowerBounds: mapOf(json.lowerBounds, fromBase64),
    upperBounds: mapOf(json.upperBounds, fromBase64),
    splitOffsets: json.splitOffsets,
    sortOrderId: json.sortOrderId,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (file as unknown as Record<string, unknown>)[key] = value;
  return file;
}
