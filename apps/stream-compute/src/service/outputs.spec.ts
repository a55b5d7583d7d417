import { avroCodecOf, DeadLetter, DetectionEvent, detectionIdOf } from '@retail/schema';
import { MessageId } from '@retail/pulsar';
// The contract's sample rows: a relative import on purpose (test support is not part of the library's API).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { sampleItemCount, sampleSilverDetection } from '../../../../libs/schema/src/test-support/compute-samples';
import { ComputePipeline, ReferenceTables } from '../operators';
import { decodeDetection } from './decode';
import { CHECKPOINT_OUTPUT, ColumnarOutputs, CycleRows, routeOutputs, tableKeyOf } from './outputs';

const BASE = 1_777_593_600_000_000;

function detection(i: number, camera = 'cam-1', store = 'store-1'): DetectionEvent {
  const frameTs = BASE + i * 100_000;
  return {
    detection_id: detectionIdOf(camera, frameTs, 0),
    camera_id: camera,
    store_id: store,
    frame_ts: frameTs,
    published_ts: frameTs + 10_000,
    frame_seq: i,
    track_id: i % 3,
    class_id: 0,
    item_name: 'person',
    confidence: 0.75,
    bbox: { x: 0.1, y: 0.1, w: 0.2, h: 0.2 },
    frame_width: 640,
    frame_height: 480,
    model_name: 'm',
    model_version: '1',
    schema_version: 1,
  };
}

const reference = new ReferenceTables(
  [{ store_id: 'store-1', name: 'One', city: 'Utrecht', region: 'NL', lat: 52, lon: 5, timezone: 'Europe/Amsterdam' }],
  [{ camera_id: 'cam-1', store_id: 'store-1', name: 'Door', zones: [], lines: [] }],
);

describe('routing pipeline outputs to tables', () => {
  it('puts item counts in the checkpoint table, silver rows, late events and join misses (as dead letters) in theirs', () => {
    let rows = new CycleRows();
    const reasons: string[] = [];
    const source = { source: 'persistent://t/n/d-partition-0', messageId: '1:2:0:-1', rawPayload: new Uint8Array([9]), receivedTs: BASE };
    const pipeline = new ComputePipeline(
      { window: { sizeMs: 1_000, slideMs: 1_000, allowedLatenessMs: 0 }, watermark: { outOfOrdernessMs: 0 }, dedup: { ttlMs: 60_000 } },
      routeOutputs(() => rows, () => source, (code) => reasons.push(code)),
      reference,
    );
    for (let i = 0; i < 30; i++) pipeline.process(detection(i), 1);
    pipeline.process({ ...detection(1), detection_id: detectionIdOf('cam-1', detection(1).frame_ts, 1) }, 1); // too late (another detection of an old frame)
    pipeline.process(detection(40, 'cam-9'), 1); // unknown camera
    expect(CHECKPOINT_OUTPUT).toBe('itemCounts');
    expect(tableKeyOf('itemCounts')).toBe('gold.item_counts');
    expect(rows.count('itemCounts')).toBe(2); // windows [0,1s) and [1s,2s) fired; [2s,3s) is open
    expect(rows.count('silverDetections')).toBe(30);
    expect(rows.count('lateEvents')).toBe(1);
    expect(rows.count('deadLetters')).toBe(1);
    const letter = rows.listOf('deadLetters')[0]!;
    expect(DeadLetter.validate(letter).ok).toBe(true);
    expect(letter).toMatchObject({ message_id: '1:2:0:-1', service: 'stream-compute' });
    expect(reasons).toEqual(['unknown_camera']);
    // A new cycle: later outputs land there, not in the old one.
    const old = rows;
    rows = new CycleRows();
    pipeline.process(detection(35), 2);
    expect(old.count('silverDetections')).toBe(30);
    expect(rows.count('silverDetections')).toBe(1);
  });
});

describe('cycle rows', () => {
  it('seals into one Arrow batch per output with rows, silver rows built as they arrived, and takes no row afterwards', () => {
    const columnar = new ColumnarOutputs();
    const first = new CycleRows(columnar);
    // The builders are the first cycle's until it is sealed.
    expect(() => new CycleRows(columnar)).toThrow(/before the previous cycle was sealed/);
    first.add('silverDetections', sampleSilverDetection());
    first.add('silverDetections', sampleSilverDetection({ track_id: null, zone_ids: [] }));
    first.add('itemCounts', sampleItemCount());
    expect([first.count('silverDetections'), first.count('itemCounts'), first.total]).toEqual([2, 1, 3]);
    expect(() => first.listOf('silverDetections')).toThrow(/kept as columns/);
    const batches = first.seal();
    expect([...batches.keys()]).toEqual(['itemCounts', 'silverDetections']);
    expect(batches.get('silverDetections')!.getChild('track_id')!.get(1)).toBeNull();
    expect(() => first.add('silverDetections', sampleSilverDetection())).toThrow(/already sealed/);
    // The next cycle starts empty on the same builders.
    const second = new CycleRows(columnar);
    second.add('silverDetections', sampleSilverDetection({ detection_id: 'next' }));
    expect(second.seal().get('silverDetections')!.getChild('detection_id')!.get(0)).toBe('next');
  });
});

describe('decoding detections', () => {
  const message = (data: Uint8Array, key: string | undefined = 'cam-1') => ({ topic: 'persistent://t/n/d-partition-1', messageId: MessageId.fromString('4:5:1:-1'), key, data });
  const encode = (event: DetectionEvent) => avroCodecOf(DetectionEvent).encode(event);

  it('accepts a valid detection whose camera is the message key', () => {
    const decoded = decodeDetection(message(encode(detection(1))), BASE);
    expect(decoded.ok && decoded.event.detection_id).toBe(detection(1).detection_id);
  });

  it.each([
    ['undecodable', () => message(Buffer.from('not avro')), /^undecodable DetectionEvent/],
    ['invalid', () => message(encode({ ...detection(1), confidence: 1.5 })), /^invalid DetectionEvent: confidence/],
    ['unknown_schema_version', () => message(encode({ ...detection(1), schema_version: 7 })), /^unknown schema version 7 of DetectionEvent/],
    ['key_mismatch', () => message(encode(detection(1)), 'cam-2'), /^message key "cam-2" is not the detection's camera_id "cam-1"/],
  ] as const)('turns %s messages into dead letters with the reason', (reason, build, text) => {
    const decoded = decodeDetection(build(), BASE);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toBe(reason);
    expect(decoded.deadLetter.reason).toMatch(text);
    expect(decoded.deadLetter).toMatchObject({ message_id: '4:5:1:-1', source: 'persistent://t/n/d-partition-1', service: 'stream-compute', received_ts: BASE });
    expect(DeadLetter.validate(decoded.deadLetter).ok).toBe(true);
  });
});
