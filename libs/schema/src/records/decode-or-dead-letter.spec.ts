import { avroCodecOf, DeadLetter, decodeOrDeadLetter, DetectionEvent, rejectMessage } from '../index';
import { FRAME_TS, sampleDetection } from '../test-support/samples';

const message = (data: Uint8Array) => ({ topic: 'persistent://retail/ingest/detections-partition-1', messageId: '7:8:1', data });
const encode = (value: DetectionEvent) => avroCodecOf(DetectionEvent).encode(value);

describe('decodeOrDeadLetter', () => {
  it('returns the validated record of well-formed bytes', () => {
    const event = sampleDetection();
    expect(decodeOrDeadLetter(DetectionEvent, message(encode(event)), 'svc', FRAME_TS)).toEqual({ ok: true, value: event });
  });

  it.each([
    ['undecodable', () => Buffer.from('not avro'), /^undecodable DetectionEvent: /],
    ['invalid', () => encode({ ...sampleDetection(), confidence: 1.7 }), /^invalid DetectionEvent: confidence: expected a number in \[0, 1\]/],
    ['unknown_schema_version', () => encode({ ...sampleDetection(), schema_version: 3 }), /^unknown schema version 3 of DetectionEvent: this service knows versions up to 1$/],
  ] as const)('turns %s bytes into a dead letter with the message, service and time', (reason, bytes, text) => {
    const data = bytes();
    const decoded = decodeOrDeadLetter(DetectionEvent, message(data), 'svc', FRAME_TS);
    if (decoded.ok) throw new Error('expected a rejection');
    expect(decoded.reason).toBe(reason);
    expect(decoded.deadLetter.reason).toMatch(text);
    expect(decoded.deadLetter).toMatchObject({ source: message(data).topic, message_id: '7:8:1', service: 'svc', received_ts: FRAME_TS, raw_payload: data });
    expect(DeadLetter.validate(decoded.deadLetter).ok).toBe(true);
  });
});

describe('rejectMessage', () => {
  it('builds a rejection with a valid dead letter for a service-specific reason', () => {
    const rejected = rejectMessage(message(new Uint8Array([1])), 'svc', FRAME_TS, 'key_mismatch', 'wrong key');
    expect(rejected.ok).toBe(false);
    if (rejected.ok) return;
    expect(rejected.reason).toBe('key_mismatch');
    expect(rejected.deadLetter).toMatchObject({ reason: 'wrong key', service: 'svc', received_ts: FRAME_TS });
    expect(DeadLetter.validate(rejected.deadLetter).ok).toBe(true);
  });
});
