import { decodeOrDeadLetter, DetectionEvent, rejectMessage, type DeadLetter, type DecodeRejection, type ReceivedMessage } from '@retail/schema';

export const SERVICE_NAME = 'stream-compute';

/** Why a message never reached the operators (a metric label, so a closed set). */
export type DecodeFailure = DecodeRejection | 'key_mismatch';

export type DecodedDetection = { ok: true; event: DetectionEvent } | { ok: false; reason: DecodeFailure; deadLetter: DeadLetter };

/** The parts of a Pulsar message decoding needs (small, so tests can build them). */
export interface RawMessage extends ReceivedMessage {
  key: string | undefined;
}

/**
 * Avro → validated DetectionEvent. Never throws: bad bytes, values the contract rejects, a newer
 * schema version than this service knows, and an event whose camera is not the message key (the
 * key decides which instance owns the camera's state) become dead letters with the reason.
 */
export function decodeDetection(message: RawMessage, receivedTsMicros: number): DecodedDetection {
  const decoded = decodeOrDeadLetter(DetectionEvent, message, SERVICE_NAME, receivedTsMicros);
  if (!decoded.ok) return decoded;
  const event = decoded.value;
  if (message.key !== undefined && message.key !== event.camera_id) {
    const text = `message key ${JSON.stringify(message.key)} is not the detection's camera_id ${JSON.stringify(event.camera_id)}`;
    return rejectMessage(message, SERVICE_NAME, receivedTsMicros, 'key_mismatch', text);
  }
  return { ok: true, event };
}
