import { avroCodecOf, DeadLetter, DetectionEvent, TrackEvent } from '@retail/schema';
import { MessageId } from '@retail/pulsar';
import { decodeMessage } from './decode';

const event: DetectionEvent = {
  detection_id: 'cam-1:1777593600000000:0',
  camera_id: 'cam-1',
  store_id: 'store-1',
  frame_ts: 1_777_593_600_000_000,
  published_ts: 1_777_593_600_005_000,
  frame_seq: 1,
  track_id: null,
  class_id: 0,
  item_name: 'person',
  confidence: Math.fround(0.9),
  bbox: { x: Math.fround(0.1), y: Math.fround(0.1), w: Math.fround(0.2), h: Math.fround(0.2) },
  frame_width: 640,
  frame_height: 480,
  model_name: 'yolov8n',
  model_version: '8',
  schema_version: 1,
};
const topic = 'persistent://retail/ingest/detections-partition-2';
const messageId = new MessageId(12n, 34n, 2, 5);
const message = (data: Uint8Array) => ({ topic, messageId, data });

describe('decodeMessage', () => {
  it('returns the validated row of a well-formed event', () => {
    const decoded = decodeMessage(DetectionEvent, message(avroCodecOf(DetectionEvent).encode(event)));
    expect(decoded).toEqual({ ok: true, row: event });
  });

  it.each([
    ['undecodable', Buffer.from([0xff, 0x01, 0x02]), /^undecodable DetectionEvent: /],
    ['invalid', avroCodecOf(DetectionEvent).encode({ ...event, confidence: 1.7 }), /^invalid DetectionEvent: confidence: expected a number in \[0, 1\]/],
    ['unknown_schema_version', avroCodecOf(DetectionEvent).encode({ ...event, schema_version: 3 }), /^unknown schema version 3 of DetectionEvent: this service knows versions up to 1$/],
  ])('turns a %s message into a valid dead letter with the raw bytes, topic, id and reason', (reason, bytes, text) => {
    const decoded = decodeMessage(DetectionEvent, message(bytes), 1_777_593_600_000_000);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toBe(reason);
    expect(decoded.deadLetter).toMatchObject({
      source: topic,
      message_id: '12:34:2:5',
      raw_payload: bytes,
      service: 'iceberg-writer',
      received_ts: 1_777_593_600_000_000,
      schema_version: DeadLetter.version,
    });
    expect(decoded.deadLetter.reason).toMatch(text);
    expect(DeadLetter.validate(decoded.deadLetter).ok).toBe(true);
  });

  it('rejects bytes of another record type as malformed rather than misreading them', () => {
    const track = avroCodecOf(TrackEvent).encode({
      event_id: 'e', camera_id: 'c', store_id: 's', track_id: 1, kind: 'started', event_ts: event.frame_ts,
      first_seen_ts: event.frame_ts, last_seen_ts: event.frame_ts, dwell_ms: null, item_name: 'person', class_id: 0, schema_version: 1,
    });
    expect(decodeMessage(DetectionEvent, message(track)).ok).toBe(false);
  });
});
