import { PulsarClientError } from '../errors';
import { DEFAULT_MAX_FRAME_SIZE, decodeFrameBody, type Frame } from './frame';

export interface DecodeResult {
  frames: Frame[];
  /** Set once the stream is corrupt; the decoder then refuses further input (the socket must close). */
  error?: PulsarClientError;
}

const SIZE_BYTES = 4;

/**
 * Splits a TCP byte stream into frames. Never throws: malformed input yields `error`, and a
 * truncated frame simply waits for more bytes (`pendingBytes` tells how many are buffered, and
 * `finish()` reports a stream that ended mid-frame).
 *
 * Frames that lie whole inside a chunk are decoded in place: their payloads point into the chunk,
 * so a chunk must not be modified after it is pushed (socket reads hand over a fresh buffer each
 * time). Only a frame that straddles chunks is copied, once, into a buffer of its exact size.
 */
export class FrameDecoder {
  /** The size field of a frame whose first bytes ended a chunk. */
  private readonly sizeField = Buffer.alloc(SIZE_BYTES);
  private sizeFilled = 0;
  /** A frame that straddles chunks (size field included), filled up to `frameFilled`. */
  private partial: Buffer | undefined;
  private frameFilled = 0;
  private failure: PulsarClientError | undefined;

  constructor(public maxFrameSize: number = DEFAULT_MAX_FRAME_SIZE) {}

  get pendingBytes(): number {
    return this.partial ? this.frameFilled : this.sizeFilled;
  }

  push(chunk: Uint8Array): DecodeResult {
    if (this.failure) return { frames: [], error: this.failure };
    const input = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const frames: Frame[] = [];
    let offset = 0;
    if (this.partial || this.sizeFilled > 0) {
      const completed = this.completePending(input, frames);
      if (typeof completed !== 'number') return this.fail(frames, completed);
      offset = completed;
    }
    while (input.length - offset >= SIZE_BYTES) {
      const totalSize = input.readUInt32BE(offset);
      if (totalSize > this.maxFrameSize) return this.fail(frames, this.tooLarge(totalSize));
      if (input.length - offset - SIZE_BYTES < totalSize) break;
      const failure = this.decodeInto(frames, input.subarray(offset + SIZE_BYTES, offset + SIZE_BYTES + totalSize));
      if (failure) return this.fail(frames, failure);
      offset += SIZE_BYTES + totalSize;
    }
    if (offset < input.length) this.keep(input, offset);
    return { frames };
  }

  /** Call when the stream ends: an error if bytes of an incomplete frame remain. */
  finish(): PulsarClientError | undefined {
    if (this.failure) return this.failure;
    if (this.pendingBytes === 0) return undefined;
    return new PulsarClientError('InvalidFrame', `stream ended inside a frame (${this.pendingBytes} bytes buffered)`);
  }

  /** Buffers the incomplete frame that ends `input` from `offset` (its size was checked if complete). */
  private keep(input: Buffer, offset: number): void {
    const left = input.length - offset;
    if (left < SIZE_BYTES) {
      input.copy(this.sizeField, 0, offset);
      this.sizeFilled = left;
      return;
    }
    this.partial = Buffer.allocUnsafe(SIZE_BYTES + input.readUInt32BE(offset));
    input.copy(this.partial, 0, offset);
    this.frameFilled = left;
  }

  /** Feeds the start of `input` to the pending frame; returns how many bytes it took, or a failure. */
  private completePending(input: Buffer, frames: Frame[]): number | PulsarClientError {
    let offset = 0;
    if (!this.partial) {
      offset = Math.min(SIZE_BYTES - this.sizeFilled, input.length);
      input.copy(this.sizeField, this.sizeFilled, 0, offset);
      this.sizeFilled += offset;
      if (this.sizeFilled < SIZE_BYTES) return offset;
      const totalSize = this.sizeField.readUInt32BE(0);
      if (totalSize > this.maxFrameSize) return this.tooLarge(totalSize);
      this.partial = Buffer.allocUnsafe(SIZE_BYTES + totalSize);
      this.sizeField.copy(this.partial);
      this.frameFilled = SIZE_BYTES;
      this.sizeFilled = 0;
    }
    const partial = this.partial;
    const take = Math.min(partial.length - this.frameFilled, input.length - offset);
    input.copy(partial, this.frameFilled, offset, offset + take);
    this.frameFilled += take;
    offset += take;
    if (this.frameFilled < partial.length) return offset;
    this.partial = undefined;
    this.frameFilled = 0;
    return this.decodeInto(frames, partial.subarray(SIZE_BYTES)) ?? offset;
  }

  private decodeInto(frames: Frame[], body: Buffer): PulsarClientError | undefined {
    try {
      frames.push(decodeFrameBody(body));
      return undefined;
    } catch (error) {
      return error instanceof PulsarClientError ? error : new PulsarClientError('InvalidFrame', String(error));
    }
  }

  private tooLarge(totalSize: number): PulsarClientError {
    return new PulsarClientError('FrameTooLarge', `Pulsar frame of ${totalSize} bytes exceeds the maximum of ${this.maxFrameSize}`);
  }

  private fail(frames: Frame[], error: PulsarClientError): DecodeResult {
    this.failure = error;
    this.partial = undefined;
    this.frameFilled = this.sizeFilled = 0;
    return { frames, error };
  }
}
