import fc from 'fast-check';
import { PulsarClientError } from '../errors';
import { CommandType } from '../codec/wire-types';
import { loadFixture } from '../commands/__fixtures__/load-fixture';
import { FrameDecoder } from './frame-decoder';

const VALID = ['ping', 'connected', 'send-receipt', 'send-payload', 'message-batch'].map(loadFixture);

describe('FrameDecoder', () => {
  it('splits a stream fed one byte at a time', () => {
    const decoder = new FrameDecoder();
    const stream = Buffer.concat(VALID);
    const types: CommandType[] = [];
    for (const byte of stream) {
      const result = decoder.push(Uint8Array.of(byte));
      expect(result.error).toBeUndefined();
      types.push(...result.frames.map((f) => f.command.type));
    }
    expect(types).toEqual([CommandType.PING, CommandType.CONNECTED, CommandType.SEND_RECEIPT, CommandType.SEND, CommandType.MESSAGE]);
    expect(decoder.finish()).toBeUndefined();
  });

  it('gives the same frames for a stream cut anywhere, and leaves whole frames in place', () => {
    const stream = Buffer.concat(VALID);
    const whole = new FrameDecoder().push(stream).frames;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 6 }), (cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const decoder = new FrameDecoder();
        const frames = bounds.slice(1).flatMap((end, i) => {
          const result = decoder.push(stream.subarray(bounds[i], end));
          expect(result.error).toBeUndefined();
          return result.frames;
        });
        expect(frames).toEqual(whole);
        expect(decoder.pendingBytes).toBe(0);
        expect(decoder.finish()).toBeUndefined();
      }),
      { numRuns: 50 },
    );
    // A frame inside one chunk is not copied: its payload is a view of the chunk.
    const chunk = loadFixture('message-batch');
    expect(new FrameDecoder().push(chunk).frames[0]!.payload!.payload.buffer).toBe(chunk.buffer);
  });

  it('rejects a too-large frame whose size field is split across chunks', () => {
    const decoder = new FrameDecoder(1024);
    expect(decoder.push(Uint8Array.of(0, 0)).error).toBeUndefined();
    expect(decoder.pendingBytes).toBe(2);
    expect(decoder.push(Uint8Array.of(4, 1, 0)).error?.code).toBe('FrameTooLarge');
  });

  it('rejects a frame larger than the maximum before buffering it', () => {
    const decoder = new FrameDecoder(1024);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(1025, 0);
    const result = decoder.push(header);
    expect(result.error?.code).toBe('FrameTooLarge');
    expect(decoder.push(loadFixture('ping')).error?.code).toBe('FrameTooLarge');
  });

  it('reports garbage inside a well-sized frame as InvalidFrame', () => {
    const decoder = new FrameDecoder();
    const result = decoder.push(Buffer.from('0000000600000002ffff0000', 'hex'));
    expect(result.error?.code).toBe('InvalidFrame');
  });

  it('reports a stream that ends mid-frame', () => {
    const decoder = new FrameDecoder();
    decoder.push(VALID[3]!.subarray(0, 10));
    expect(decoder.finish()?.code).toBe('InvalidFrame');
  });

  it('never throws on random bytes: frames or a PulsarClientError', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const decoder = new FrameDecoder(4096);
        for (const chunk of chunks) {
          const result = decoder.push(chunk);
          if (result.error) expect(result.error).toBeInstanceOf(PulsarClientError);
        }
        const end = decoder.finish();
        if (end) expect(end).toBeInstanceOf(PulsarClientError);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on valid frames with random corruption or truncation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VALID),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 4 }),
        fc.nat(),
        (frame, position, noise, cut) => {
          const corrupted = Buffer.from(frame);
          corrupted.set(noise.subarray(0, Math.max(0, corrupted.length - (position % corrupted.length))), position % corrupted.length);
          const truncated = corrupted.subarray(0, cut % (corrupted.length + 1));
          const decoder = new FrameDecoder();
          const result = decoder.push(truncated);
          expect(result.frames.length).toBeLessThanOrEqual(1);
          if (result.error) expect(result.error).toBeInstanceOf(PulsarClientError);
          // A truncated frame yields nothing yet, and finishing reports it.
          if (truncated.length < corrupted.length && !result.error && result.frames.length === 0 && truncated.length > 0) {
            expect(decoder.finish()).toBeInstanceOf(PulsarClientError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
