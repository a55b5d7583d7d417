import * as arrow from 'apache-arrow';
import { compareValues } from '../spec/compare';
import { isPrimitive } from '../spec/schema';
import { serializeValue } from '../spec/single-value';
import type { IcebergType, PrimitiveType, Schema } from '../spec/types';
import { typeFamily, type IcebergValue } from '../spec/values';
import { readColumn } from './arrow-values';
import { DEFAULT_METRICS_CONFIG, type MetricsConfig, type MetricsMode } from './metrics-config';

export interface FileMetrics {
  recordCount: number;
  valueCounts: Map<number, number>;
  nullValueCounts: Map<number, number>;
  nanValueCounts: Map<number, number>;
  lowerBounds: Map<number, Uint8Array>;
  upperBounds: Map<number, Uint8Array>;
}

interface ColumnAccumulator {
  type: PrimitiveType;
  /**
   * False in `counts` mode and inside a list or map (Iceberg, like Parquet's footer metrics,
   * keeps counts but no bounds there).
   */
  bounds: boolean;
  /** String/binary bounds keep at most this many characters/bytes; undefined: exact (`full`). */
  truncateLength: number | undefined;
  values: number;
  nulls: number;
  nans: number;
  min: IcebergValue | null;
  max: IcebergValue | null;
}

type AnyData = arrow.Data<arrow.DataType>;

/** How to reach a primitive leaf from its top-level column: struct child indexes, list elements, map keys/values. */
type Step = { kind: 'child'; index: number } | { kind: 'elements' } | { kind: 'entries'; index: 0 | 1 };

interface Leaf {
  id: number;
  column: number;
  steps: Step[];
  accumulator: ColumnAccumulator;
}

/** Leaf values of one batch: the data and, per position, whether an enclosing struct is null. */
interface LeafValues {
  data: AnyData;
  ancestorNull: (i: number) => boolean;
}

/**
 * Collects per-column metrics over the batches of one data file, keyed by field id (Iceberg keys
 * stats by leaf field id, so nested primitive fields get their own entries), so engines can prune
 * files: value/null/NaN counts, lower/upper bounds in single-value serialization. Struct-only paths
 * get bounds; leaves under lists and maps get counts only, as Iceberg's own Parquet writer does.
 * Each leaf records what its metrics mode asks for; `none` leaves are never read.
 */
export class MetricsCollector {
  private readonly leaves: Leaf[] = [];
  private records = 0;

  constructor(
    schema: Schema,
    private readonly config: MetricsConfig = DEFAULT_METRICS_CONFIG,
  ) {
    schema.fields.forEach((field, column) => this.collectLeaves(field.id, field.type, column, [], false));
  }

  private collectLeaves(id: number, type: IcebergType, column: number, steps: Step[], repeated: boolean): void {
    if (isPrimitive(type)) {
      const mode = this.config.modeOf(id);
      if (mode.kind === 'none') return;
      const bounds = !repeated && (mode.kind === 'truncate' || mode.kind === 'full');
      this.leaves.push({ id, column, steps, accumulator: { type, bounds, truncateLength: truncateLengthOf(mode), values: 0, nulls: 0, nans: 0, min: null, max: null } });
    } else if (type.type === 'struct') {
      type.fields.forEach((f, index) => this.collectLeaves(f.id, f.type, column, [...steps, { kind: 'child', index }], repeated));
    } else if (type.type === 'list') {
      this.collectLeaves(type['element-id'], type.element, column, [...steps, { kind: 'elements' }], true);
    } else {
      this.collectLeaves(type['key-id'], type.key, column, [...steps, { kind: 'entries', index: 0 }], true);
      this.collectLeaves(type['value-id'], type.value, column, [...steps, { kind: 'entries', index: 1 }], true);
    }
  }

  /** `batch` must be conformed to the schema (same column order). */
  add(batch: arrow.RecordBatch): void {
    this.records += batch.numRows;
    for (const leaf of this.leaves) {
      const column = batch.data.children[leaf.column] as AnyData | undefined;
      if (!column) continue;
      this.accumulate(leaf.accumulator, leafValues(column, leaf.steps));
    }
  }

  private accumulate(acc: ColumnAccumulator, leaf: LeafValues): void {
    if (accumulateCountsOnly(acc, leaf) || accumulateFast(acc, leaf)) return;
    const { data, ancestorNull } = leaf;
    acc.values += data.length;
    if (typeFamily(acc.type) === 'decimal') {
      for (let i = 0; i < data.length; i++) if (ancestorNull(i) || !data.getValid(i)) acc.nulls++;
      return; // counts only: decimal bounds are not computed yet
    }
    const floating = ['float', 'double'].includes(typeFamily(acc.type));
    const values = readColumn(arrow.makeVector(data), acc.type);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === null || value === undefined || ancestorNull(i)) {
        acc.nulls++;
        continue;
      }
      if (floating && Number.isNaN(value)) {
        acc.nans++;
        continue;
      }
      if (!acc.bounds) continue;
      if (acc.min === null || compareValues(acc.type, value, acc.min) < 0) acc.min = value;
      if (acc.max === null || compareValues(acc.type, value, acc.max) > 0) acc.max = value;
    }
  }

  metrics(): FileMetrics {
    const result: FileMetrics = {
      recordCount: this.records,
      valueCounts: new Map(),
      nullValueCounts: new Map(),
      nanValueCounts: new Map(),
      lowerBounds: new Map(),
      upperBounds: new Map(),
    };
    for (const { id, accumulator: acc } of this.leaves) {
      result.valueCounts.set(id, acc.values);
      result.nullValueCounts.set(id, acc.nulls);
      const family = typeFamily(acc.type);
      if (family === 'float' || family === 'double') result.nanValueCounts.set(id, acc.nans);
      const length = acc.truncateLength;
      if (acc.min !== null) {
        const lower = length === undefined ? acc.min : truncateLowerBound(acc.type, acc.min, length);
        result.lowerBounds.set(id, serializeValue(acc.type, lower));
      }
      if (acc.max !== null) {
        const upper = length === undefined ? acc.max : truncateUpperBound(acc.type, acc.max, length);
        if (upper !== null) result.upperBounds.set(id, serializeValue(acc.type, upper));
      }
    }
    return result;
  }
}

function truncateLengthOf(mode: MetricsMode): number | undefined {
  return mode.kind === 'truncate' ? mode.length : undefined;
}

const NO_NULL_ANCESTOR = (): boolean => false;

/**
 * Counts without a pass over the values where Arrow already knows them: a leaf that records no
 * bounds, is not floating point (NaNs need a look at each value) and has no nullable struct above
 * it takes its null count from its validity bitmap. Returns false when the values must be read.
 */
function accumulateCountsOnly(acc: ColumnAccumulator, { data, ancestorNull }: LeafValues): boolean {
  if (acc.bounds || ancestorNull !== NO_NULL_ANCESTOR) return false;
  const family = typeFamily(acc.type);
  if (family === 'float' || family === 'double') return false;
  acc.values += data.length;
  acc.nulls += data.nullCount;
  return true;
}

/** Arrow value buffers read as plain numbers (bigints for 64-bit types) by Iceberg type family. */
const NUMBER_FAMILIES = new Set(['int', 'date', 'float', 'double']);
const BIGINT_FAMILIES = new Set(['long', 'time', 'timestamp', 'timestamptz']);
const BYTES_FAMILIES = new Set(['string', 'binary']);

const utf8 = new TextDecoder();

/** Unsigned lexicographic order of two byte ranges (= code point order for UTF-8). */
function compareRanges(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/**
 * The hot path for the common types: reads Arrow buffers directly and compares without
 * allocating (no per-value decoding, no BigInt conversions); strings and binaries compare as raw
 * UTF-8/bytes and are decoded once at the end. Returns false for types it leaves to the generic path.
 */
function accumulateFast(acc: ColumnAccumulator, { data, ancestorNull }: LeafValues): boolean {
  const family = typeFamily(acc.type);
  const numeric = NUMBER_FAMILIES.has(family) || BIGINT_FAMILIES.has(family);
  const bytes = BYTES_FAMILIES.has(family);
  if (!numeric && !bytes) return false;
  acc.values += data.length;
  const checkNulls = data.nullCount !== 0 || ancestorNull !== NO_NULL_ANCESTOR;
  const valid = validityOf(data);
  const isNull = (i: number) => checkNulls && (ancestorNull(i) || !valid(i));
  if (numeric && LITTLE_ENDIAN && data.values instanceof BigInt64Array) {
    accumulateInt64(acc, data.values, data.length, checkNulls ? isNull : undefined);
    return true;
  }
  if (numeric) {
    const values = data.values as ArrayLike<number | bigint>;
    const floating = family === 'float' || family === 'double';
    let min = acc.min as number | bigint | null;
    let max = acc.max as number | bigint | null;
    for (let i = 0; i < data.length; i++) {
      if (isNull(i)) {
        acc.nulls++;
        continue;
      }
      const value = values[i]!;
      if (floating && Number.isNaN(value)) {
        acc.nans++;
        continue;
      }
      if (!acc.bounds) continue;
      if (min === null || value < min) min = value;
      if (max === null || value > max) max = value;
    }
    acc.min = min;
    acc.max = max;
    return true;
  }
  const offsets = data.valueOffsets as Int32Array;
  const buffer = data.values as Uint8Array;
  const min = acc.min === null ? null : toBytes(acc.min);
  const max = acc.max === null ? null : toBytes(acc.max);
  let minIndex = -1;
  let maxIndex = -1;
  for (let i = 0; i < data.length; i++) {
    if (isNull(i)) {
      acc.nulls++;
      continue;
    }
    if (!acc.bounds) continue;
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    if (minIndex < 0 ? min === null || compareRanges(buffer, start, end, min, 0, min.length) < 0 : compareRanges(buffer, start, end, buffer, offsets[minIndex]!, offsets[minIndex + 1]!) < 0) {
      minIndex = i;
    }
    if (maxIndex < 0 ? max === null || compareRanges(buffer, start, end, max, 0, max.length) > 0 : compareRanges(buffer, start, end, buffer, offsets[maxIndex]!, offsets[maxIndex + 1]!) > 0) {
      maxIndex = i;
    }
  }
  const valueAt = (i: number): IcebergValue => {
    const slice = buffer.slice(offsets[i]!, offsets[i + 1]!);
    return family === 'string' ? utf8.decode(slice) : slice;
  };
  if (minIndex >= 0) acc.min = valueAt(minIndex);
  if (maxIndex >= 0) acc.max = valueAt(maxIndex);
  return true;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Min/max of 64-bit integers without creating a BigInt per value (reading a BigInt64Array does):
 * each value is compared as its signed high and unsigned low 32-bit halves; only the winners are
 * read as BigInt at the end.
 */
function accumulateInt64(acc: ColumnAccumulator, values: BigInt64Array, length: number, isNull: ((i: number) => boolean) | undefined): void {
  const words = new Int32Array(values.buffer, values.byteOffset, length * 2);
  let minIndex = -1;
  let maxIndex = -1;
  let minHi = 0;
  let minLo = 0;
  let maxHi = 0;
  let maxLo = 0;
  for (let i = 0; i < length; i++) {
    if (isNull?.(i)) {
      acc.nulls++;
      continue;
    }
    if (!acc.bounds) continue;
    const lo = words[2 * i]! >>> 0;
    const hi = words[2 * i + 1]!;
    if (minIndex < 0 || hi < minHi || (hi === minHi && lo < minLo)) {
      minIndex = i;
      minHi = hi;
      minLo = lo;
    }
    if (maxIndex < 0 || hi > maxHi || (hi === maxHi && lo > maxLo)) {
      maxIndex = i;
      maxHi = hi;
      maxLo = lo;
    }
  }
  if (minIndex >= 0) {
    const min = values[minIndex]!;
    if (acc.min === null || min < (acc.min as bigint)) acc.min = min;
  }
  if (maxIndex >= 0) {
    const max = values[maxIndex]!;
    if (acc.max === null || max > (acc.max as bigint)) acc.max = max;
  }
}

const utf8Encoder = new TextEncoder();

function toBytes(value: IcebergValue): Uint8Array {
  return typeof value === 'string' ? utf8Encoder.encode(value) : (value as Uint8Array);
}

/** Validity of position `i` read straight from the bitmap (Data.getValid is a method call per value). */
function validityOf(data: AnyData): (i: number) => boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return () => true;
  const offset = data.offset;
  return (i) => ((bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1;
}

/** Follows `steps` from a top-level column down to the leaf's data. */
function leafValues(column: AnyData, steps: Step[]): LeafValues {
  let data = column;
  let ancestorNull: (i: number) => boolean = NO_NULL_ANCESTOR;
  for (const step of steps) {
    if (step.kind === 'child') {
      const parent = data;
      // Structs without nulls (the usual case) add no per-value check.
      if (parent.nullCount !== 0) {
        const outer = ancestorNull;
        const valid = validityOf(parent);
        ancestorNull = (i) => outer(i) || !valid(i);
      }
      data = parent.children[step.index] as AnyData;
    } else {
      // Elements of the list slots in range; Arrow JS does not slice a list's child with the list.
      const offsets = data.valueOffsets as Int32Array;
      const start = offsets[0]!;
      const end = offsets[data.length]!;
      let child = data.children[0] as AnyData;
      if (step.kind === 'entries') child = child.children[step.index] as AnyData;
      data = start === 0 && end === child.length ? child : child.slice(start, end - start);
      // Elements of null lists do not exist, so only nulls of the element itself count below.
      ancestorNull = NO_NULL_ANCESTOR;
    }
  }
  return { data, ancestorNull };
}

export function truncateLowerBound(type: PrimitiveType, value: IcebergValue, length: number): IcebergValue {
  if (typeof value === 'string') return Array.from(value).slice(0, length).join('');
  if (value instanceof Uint8Array && typeFamily(type) === 'binary') return value.subarray(0, length);
  return value;
}

/**
 * A truncated upper bound must still be ≥ every value: keep a prefix and increment its last
 * character (or byte). Returns null when no such bound exists (all maximal characters).
 */
export function truncateUpperBound(type: PrimitiveType, value: IcebergValue, length: number): IcebergValue | null {
  if (typeof value === 'string') {
    const chars = Array.from(value);
    if (chars.length <= length) return value;
    const prefix = chars.slice(0, length).map((c) => c.codePointAt(0)!);
    for (let i = prefix.length - 1; i >= 0; i--) {
      let next = prefix[i]! + 1;
      if (next >= 0xd800 && next <= 0xdfff) next = 0xe000; // skip surrogates: not valid code points
      if (next <= 0x10ffff) return String.fromCodePoint(...prefix.slice(0, i), next);
    }
    return null;
  }
  if (value instanceof Uint8Array && typeFamily(type) === 'binary') {
    if (value.length <= length) return value;
    const prefix = Uint8Array.from(value.subarray(0, length));
    for (let i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i]! < 0xff) {
        const out = prefix.slice(0, i + 1);
        out[i]! += 1;
        return out;
      }
    }
    return null;
  }
  return value;
}
