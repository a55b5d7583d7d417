import { decodeOrDeadLetter, type DeadLetter, type DecodeRejection, type ReceivedMessage, type RecordType } from '@retail/schema';

export const SERVICE_NAME = 'iceberg-writer';

/** Why a message became a dead letter (a metric label, so a closed set). */
export type DeadLetterReason = DecodeRejection;

export type Decoded =
  | { ok: true; row: Record<string, unknown> }
  | { ok: false; reason: DeadLetterReason; deadLetter: DeadLetter };

/** The parts of a Pulsar message decoding needs (kept small so tests can build them). */
export type RawMessage = ReceivedMessage;

/**
 * Decodes a message with its record type's Avro codec and validates it. Never throws: bytes that
 * are not Avro, values the contract rejects and events from a newer contract version than this
 * writer knows all become dead letters carrying the raw bytes, the topic, the id and the reason.
 */
export function decodeMessage(record: RecordType, message: RawMessage, receivedTsMicros = Date.now() * 1000): Decoded {
  const decoded = decodeOrDeadLetter(record, message, SERVICE_NAME, receivedTsMicros);
  return decoded.ok ? { ok: true, row: decoded.value as Record<string, unknown> } : decoded;
}
