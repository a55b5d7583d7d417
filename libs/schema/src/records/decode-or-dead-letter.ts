import { avroCodecOf } from '../avro/avro-codec';
import type { Fields, RecordOf } from '../definition/types';
import type { RecordType } from '../definition/define-record';
import { formatIssues } from '../validation/result';
import { deadLetterOf, type DeadLetter } from './dead-letter';

/** Why a message could not be decoded (services use it as a metric label, so a closed set). */
export type DecodeRejection = 'undecodable' | 'invalid' | 'unknown_schema_version';

/** The parts of a received message decoding needs (small, so tests can build them). */
export interface ReceivedMessage {
  /** Topic (or stage) it came from. */
  topic: string;
  messageId: { toString(): string };
  data: Uint8Array;
}

/** A message refused for `reason`, with the dead letter to write in its place. */
export interface RejectedMessage<R extends string> {
  ok: false;
  reason: R;
  deadLetter: DeadLetter;
}

export type DecodedMessage<T, R extends string = DecodeRejection> = { ok: true; value: T } | RejectedMessage<R>;

/**
 * A rejection carrying the dead letter for `message`: its bytes, topic and id, the service that
 * refused it and why. Services also use it for their own checks after decoding.
 */
export function rejectMessage<R extends string>(message: ReceivedMessage, service: string, receivedTsMicros: number, reason: R, text: string): RejectedMessage<R> {
  return {
    ok: false,
    reason,
    deadLetter: deadLetterOf({
      source: message.topic,
      message_id: message.messageId.toString(),
      service,
      raw_payload: message.data,
      reason: text,
      received_ts: receivedTsMicros,
    }),
  };
}

/**
 * Avro bytes → a validated record of `record`'s contract, or a dead letter. Never throws: bytes
 * that are not Avro, values the contract rejects, and events from a newer contract version than
 * this build knows all become rejections with the reason.
 */
export function decodeOrDeadLetter<F extends Fields>(
  record: RecordType<F>,
  message: ReceivedMessage,
  service: string,
  receivedTsMicros: number,
): DecodedMessage<RecordOf<F>> {
  const checked = avroCodecOf(record).decode(message.data);
  if (!checked.ok) {
    const kind = checked.errors.some((issue) => issue.code === 'decode') ? 'undecodable' : 'invalid';
    return rejectMessage(message, service, receivedTsMicros, kind, `${kind} ${record.name}: ${formatIssues(checked.errors)}`);
  }
  const version = (checked.value as { schema_version?: unknown }).schema_version;
  if (typeof version === 'number' && version > record.version) {
    const text = `unknown schema version ${version} of ${record.name}: this service knows versions up to ${record.version}`;
    return rejectMessage(message, service, receivedTsMicros, 'unknown_schema_version', text);
  }
  return { ok: true, value: checked.value };
}
