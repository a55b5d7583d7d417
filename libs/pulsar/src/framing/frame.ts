/*
 * Pulsar binary frame layout (all integers big-endian):
 *
 *   simple command:  [totalSize:4][commandSize:4][BaseCommand:commandSize]
 *   payload command: [totalSize:4][commandSize:4][BaseCommand:commandSize]
 *                    [magic:2 = 0x0e01][checksum:4][metadataSize:4][MessageMetadata:metadataSize][payload]
 *
 * totalSize counts every byte after itself. checksum is CRC32-C over everything after it
 * (metadataSize, metadata and payload). A broker may put [magic:2 = 0x0e02][size:4]
 * [BrokerEntryMetadata] before the 0x0e01 section; we skip it. In a batch the payload is a
 * sequence of [singleMetadataSize:4][SingleMessageMetadata][payload] entries (see commands/batch.ts).
 */
import { baseCommandCodec, messageMetadataCodec } from '../codec/codec';
import { decodeEntryMetadata, decodeMessageCommand } from '../codec/received-entry-codec';
import type { BaseCommand, MessageMetadata } from '../codec/wire-types';
import { PulsarClientError } from '../errors';
import { crc32c } from './crc32c';

export const MAGIC_CRC32C = 0x0e01;
export const MAGIC_BROKER_ENTRY_METADATA = 0x0e02;
/** Default largest frame accepted (bytes after totalSize); raised to the broker's max message size + padding after CONNECTED. */
export const DEFAULT_MAX_FRAME_SIZE = 5 * 1024 * 1024;
/** Room for command and metadata on top of the message size, as the broker allows. */
export const FRAME_PADDING = 10 * 1024;

export interface PayloadSection {
  /** Absent when the checksum did not match (the metadata is then not trusted). */
  metadata?: MessageMetadata;
  payload: Uint8Array;
  checksumValid: boolean;
}

export interface Frame {
  command: BaseCommand;
  payload?: PayloadSection;
}

export function encodeSimpleFrame(command: BaseCommand): Buffer {
  const cmd = baseCommandCodec.encode(command);
  const frame = Buffer.allocUnsafe(8 + cmd.length);
  frame.writeUInt32BE(4 + cmd.length, 0);
  frame.writeUInt32BE(cmd.length, 4);
  frame.set(cmd, 8);
  return frame;
}

export function encodePayloadFrame(command: BaseCommand, metadata: MessageMetadata, payload: Uint8Array): Buffer {
  const cmd = baseCommandCodec.encode(command);
  const meta = messageMetadataCodec.encode(metadata);
  const checksummedSize = 4 + meta.length + payload.length;
  const frame = Buffer.allocUnsafe(8 + cmd.length + 6 + checksummedSize);
  let offset = 0;
  frame.writeUInt32BE(frame.length - 4, offset);
  frame.writeUInt32BE(cmd.length, (offset += 4));
  frame.set(cmd, (offset += 4));
  frame.writeUInt16BE(MAGIC_CRC32C, (offset += cmd.length));
  const checksumAt = (offset += 2);
  frame.writeUInt32BE(meta.length, (offset += 4));
  frame.set(meta, (offset += 4));
  frame.set(payload, (offset += meta.length));
  frame.writeUInt32BE(crc32c(frame.subarray(checksumAt + 4)), checksumAt);
  return frame;
}

function invalid(message: string, cause?: unknown): PulsarClientError {
  return new PulsarClientError('InvalidFrame', `invalid Pulsar frame: ${message}`, { cause });
}

/**
 * Decodes one frame body: the bytes after totalSize (exactly totalSize of them). Throws a
 * PulsarClientError('InvalidFrame') for anything malformed.
 */
export function decodeFrameBody(body: Buffer): Frame {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (body.length < 4) throw invalid(`frame of ${body.length} bytes has no command size`);
  const commandSize = view.getUint32(0);
  if (commandSize > body.length - 4) {
    throw invalid(`command size ${commandSize} exceeds frame size ${body.length - 4}`);
  }
  let command: BaseCommand;
  try {
    // Received entries (MESSAGE) by hand, everything else (and anything unusual) through protobufjs.
    command = decodeMessageCommand(body, 4, 4 + commandSize) ?? baseCommandCodec.decode(body.subarray(4, 4 + commandSize));
  } catch (error) {
    throw invalid(`BaseCommand does not decode (${(error as Error).message})`, error);
  }
  let offset = 4 + commandSize;
  if (offset === body.length) return { command };

  if (body.length - offset >= 6 && view.getUint16(offset) === MAGIC_BROKER_ENTRY_METADATA) {
    const size = view.getUint32(offset + 2);
    offset += 6 + size;
    if (offset > body.length) throw invalid(`broker entry metadata of ${size} bytes overruns the frame`);
  }
  if (body.length - offset < 10) throw invalid('payload section shorter than magic, checksum and metadata size');
  const magic = view.getUint16(offset);
  if (magic !== MAGIC_CRC32C) throw invalid(`unknown payload magic 0x${magic.toString(16)}`);
  const checksum = view.getUint32(offset + 2);
  const checksummed = body.subarray(offset + 6);
  const metadataSize = view.getUint32(offset + 6);
  if (metadataSize > checksummed.length - 4) {
    throw invalid(`metadata size ${metadataSize} exceeds the ${checksummed.length - 4} bytes left`);
  }
  const metadataStart = offset + 10;
  const payload = checksummed.subarray(4 + metadataSize);
  if (crc32c(checksummed) !== checksum) return { command, payload: { payload, checksumValid: false } };
  let metadata: MessageMetadata;
  try {
    metadata =
      decodeEntryMetadata(body, metadataStart, metadataStart + metadataSize) ??
      messageMetadataCodec.decode(body.subarray(metadataStart, metadataStart + metadataSize));
  } catch (error) {
    throw invalid(`MessageMetadata does not decode (${(error as Error).message})`, error);
  }
  return { command, payload: { metadata, payload, checksumValid: true } };
}
