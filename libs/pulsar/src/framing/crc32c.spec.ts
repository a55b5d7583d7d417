import fc from 'fast-check';
import { crc32c } from './crc32c';

describe('crc32c', () => {
  // Known CRC32-C vectors (RFC 3720 appendix B.4 and the common "check" value).
  it.each([
    ['123456789', Buffer.from('123456789'), 0xe3069283],
    ['32 zero bytes', Buffer.alloc(32, 0), 0x8a9136aa],
    ['32 0xff bytes', Buffer.alloc(32, 0xff), 0x62a8ab43],
    ['ascending 0..31', Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
    ['empty', Buffer.alloc(0), 0],
  ])('%s', (_name, input, expected) => {
    expect(crc32c(input)).toBe(expected);
  });

  it('continues a running checksum across chunks', () => {
    const data = Buffer.from('the quick brown fox jumps over the lazy dog');
    expect(crc32c(data.subarray(10), crc32c(data.subarray(0, 10)))).toBe(crc32c(data));
  });
});

describe('crc32c slice-by-16', () => {
  /** The plain bitwise definition, to check the table-driven loop against. */
  function bitwise(bytes: Uint8Array): number {
    let c = 0xffffffff;
    for (const byte of bytes) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    }
    return ~c >>> 0;
  }

  it('agrees with the bitwise definition for every length and alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        expect(crc32c(view)).toBe(bitwise(view));
      }),
    );
  });

  it('takes the word loop (64 bytes and more) and the byte loop (shorter) to the same result at every offset', () => {
    const bytes = Uint8Array.from({ length: 200 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let start = 0; start < 8; start++) {
      for (const end of [start + 63, start + 64, start + 65, start + 80, 200]) {
        const view = bytes.subarray(start, end);
        expect(crc32c(view)).toBe(bitwise(view));
        // Continuing across a cut below and above the threshold gives the same result.
        expect(crc32c(view.subarray(20), crc32c(view.subarray(0, 20)))).toBe(bitwise(view));
      }
    }
  });
});
