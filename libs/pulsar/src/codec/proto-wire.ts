/**
 * Just enough of the protobuf wire format (varints and length-delimited fields) to hand-code the
 * per-message structures of a batch. protobufjs handles every other message; these run once per
 * message at 100k+ messages a second, where its object conversion (64-bit values as Long, then as
 * strings) was a large share of the consume and produce profiles.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

const TWO_POW_32 = 2 ** 32;

/** Thrown for bytes that are not valid protobuf; callers wrap it in their own error. */
export class WireFormatError extends Error {}

/** Reads fields of one message between `pos` and `end` of `bytes`. */
export class WireReader {
  /** Where the bytes of the last field `skipLengthDelimited` passed start. */
  fieldStart = 0;

  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    public end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint up to 2^53 as a number; larger ones (e.g. uint64 -1) as a signed 64-bit bigint. */
  varint(): number | bigint {
    const b = this.bytes;
    // Most varints here (tags, sizes, small counts) are one byte.
    if (this.pos < this.end && b[this.pos]! < 0x80) return b[this.pos++]!;
    let lo = 0;
    let shift = 0;
    let byte: number;
    // Low 28 bits: plain bit arithmetic stays within int32.
    do {
      if (this.pos >= this.end) throw new WireFormatError('truncated varint');
      byte = b[this.pos++]!;
      lo |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80 && shift < 28);
    if (!(byte & 0x80)) return lo;
    // Remaining bits accumulate as hi (bits 28 and up).
    let hi = 0;
    let hiShift = 0;
    for (let count = 4; ; count++) {
      if (count >= 10) throw new WireFormatError('varint longer than 10 bytes');
      if (this.pos >= this.end) throw new WireFormatError('truncated varint');
      byte = b[this.pos++]!;
      hi += (byte & 0x7f) * 2 ** hiShift;
      hiShift += 7;
      if (!(byte & 0x80)) break;
    }
    if (hi < 2 ** 25) return lo + hi * 2 ** 28;
    return BigInt.asIntN(64, (BigInt(hi) << 28n) | BigInt(lo));
  }

  /** A varint that must fit a 32-bit field (sizes, counts, enums, booleans). */
  int32(): number {
    const value = this.varint();
    if (typeof value === 'bigint') return Number(BigInt.asIntN(32, value));
    return value >= 2 ** 31 ? (value % TWO_POW_32) | 0 : value;
  }

  /** `int32()` read at `pos` (the reader moves past it). */
  int32At(pos: number): number {
    this.pos = pos;
    return this.int32();
  }

  /** Start and end of a length-delimited field's bytes; the reader moves past them. */
  lengthDelimited(): [start: number, end: number] {
    const length = this.int32();
    const start = this.pos;
    if (length < 0 || length > this.end - start) throw new WireFormatError(`field of ${length} bytes overruns the message`);
    this.pos = start + length;
    return [start, this.pos];
  }

  /** Like `lengthDelimited` without the tuple: returns the end, and leaves the start in `fieldStart`. */
  skipLengthDelimited(): number {
    const length = this.int32();
    const start = this.pos;
    if (length < 0 || length > this.end - start) throw new WireFormatError(`field of ${length} bytes overruns the message`);
    this.fieldStart = start;
    this.pos = start + length;
    return this.pos;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.pos += 8;
        break;
      case WIRE_LENGTH_DELIMITED:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.pos += 4;
        break;
      default:
        throw new WireFormatError(`unsupported wire type ${wireType}`);
    }
    if (this.pos > this.end) throw new WireFormatError('truncated fixed-size field');
  }
}

/** Bytes a non-negative integer (< 2^53) takes as a varint. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Writes a non-negative integer (< 2^53) as a varint at `pos`; returns the position after it. */
export function writeVarint(target: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    target[pos++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  target[pos++] = value;
  return pos;
}

export const fieldTag = (field: number, wireType: number): number => (field << 3) | wireType;

const SAFE_LIMIT = BigInt(Number.MAX_SAFE_INTEGER);

/** Bytes a uint64 field takes as a varint (negative values as their two's complement, 10 bytes). */
export function uint64Size(value: bigint): number {
  if (value >= 0n && value <= SAFE_LIMIT) return varintSize(Number(value));
  let rest = BigInt.asUintN(64, value);
  let size = 1;
  while (rest >= 0x80n) {
    rest >>= 7n;
    size++;
  }
  return size;
}

/** Writes a uint64 field's varint (negative values as their two's complement); returns the position after it. */
export function writeUint64(target: Uint8Array, pos: number, value: bigint): number {
  if (value >= 0n && value <= SAFE_LIMIT) return writeVarint(target, pos, Number(value));
  let rest = BigInt.asUintN(64, value);
  while (rest >= 0x80n) {
    target[pos++] = Number(rest & 0x7fn) | 0x80;
    rest >>= 7n;
  }
  target[pos++] = Number(rest);
  return pos;
}
