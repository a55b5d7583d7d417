import { tableFromIPC, tableToIPC, type Field } from 'apache-arrow';
import { readParquet, Table as WasmTable, writeParquet } from 'parquet-wasm/node';
import { arrowRecordBatchOf, arrowSchemaOf, arrowTableOf, Camera, DeadLetter, DetectionEvent, SchemaError, Store, TrackEvent, type DetectionEvent as Detection } from '../index';
import { FRAME_TS, sampleCamera, sampleDeadLetter, sampleDetection, sampleStore, sampleTrackEvent } from '../test-support/samples';
import { flattenArrow } from '../test-support/walk-schemas';
import { ALL_TYPES_ROWS, AllTypes } from '../test-support/all-types';

describe('Arrow schema', () => {
  it('gives every field, nested and list element fields too, its Iceberg id as PARQUET:field_id', () => {
    expect(flattenArrow(arrowSchemaOf(Camera).fields).map((c) => `${c.path}=${c.id}`)).toEqual([
      'camera_id=1',
      'store_id=2',
      'name=3',
      'zones=4',
      'zones.element=6',
      'zones.element.zone_id=7',
      'zones.element.name=8',
      'zones.element.kind=9',
      'zones.element.polygon=10',
      'zones.element.polygon.element=11',
      'zones.element.polygon.element.x=12',
      'zones.element.polygon.element.y=13',
      'lines=5',
      'lines.element=14',
      'lines.element.line_id=15',
      'lines.element.name=16',
      'lines.element.a=17',
      'lines.element.a.x=19',
      'lines.element.a.y=20',
      'lines.element.b=18',
      'lines.element.b.x=21',
      'lines.element.b.y=22',
    ]);
  });

  it('maps contract types to Arrow types Iceberg writers expect', () => {
    const types = Object.fromEntries(arrowSchemaOf(DetectionEvent).fields.map((f: Field) => [f.name, String(f.type)]));
    expect(types).toMatchObject({
      detection_id: 'Utf8',
      frame_ts: 'Timestamp<MICROSECOND, UTC>',
      frame_seq: 'Int64',
      class_id: 'Int32',
      confidence: 'Float32',
      bbox: 'Struct<{x:Float32, y:Float32, w:Float32, h:Float32}>',
    });
    expect(String(arrowSchemaOf(Store).fields.find((f) => f.name === 'lat')!.type)).toBe('Float64');
    expect(String(arrowSchemaOf(DeadLetter).fields.find((f) => f.name === 'raw_payload')!.type)).toBe('Binary');
    expect(arrowSchemaOf(DetectionEvent).fields.find((f) => f.name === 'track_id')!.nullable).toBe(true);
    expect(arrowSchemaOf(DetectionEvent).fields.find((f) => f.name === 'camera_id')!.nullable).toBe(false);
  });
});

describe('Arrow tables from records', () => {
  const detections: Detection[] = [
    sampleDetection(),
    sampleDetection({ detection_id: 'cam-01:x:1', track_id: null, frame_ts: FRAME_TS + 1, item_name: 'café ☕' }),
  ];

  it('holds the records column by column, microseconds and nulls intact', () => {
    const table = arrowTableOf(DetectionEvent, detections);
    expect(table.numRows).toBe(2);
    expect(Array.from(table.getChild('frame_ts')!.data[0]!.values as BigInt64Array)).toEqual([BigInt(FRAME_TS), BigInt(FRAME_TS + 1)]);
    expect(table.getChild('track_id')!.get(0)).toBe(42n);
    expect(table.getChild('track_id')!.get(1)).toBeNull();
    expect(table.getChild('item_name')!.get(1)).toBe('café ☕');
    expect(table.getChild('confidence')!.get(0)).toBe(0.875);
    expect(table.get(0)!.toJSON()['bbox']!.toJSON()).toEqual({ x: 0.25, y: 0.5, w: 0.125, h: 0.25 });
  });

  it('keeps the schema, field ids included, through Arrow IPC', () => {
    const table = tableFromIPC(tableToIPC(arrowTableOf(Camera, [sampleCamera(), sampleCamera({ camera_id: 'cam-02', zones: [], lines: [] })])));
    expect(flattenArrow(table.schema.fields)).toEqual(flattenArrow(arrowSchemaOf(Camera).fields));
    const rows = table.toArray().map((row) => JSON.parse(JSON.stringify(row.toJSON())) as unknown);
    expect(rows[1]).toEqual({ camera_id: 'cam-02', store_id: 'store-ams-01', name: 'Checkout 1', zones: [], lines: [] });
    const polygon = (rows[0] as { zones: { polygon: { x: number }[] }[] }).zones[0]!.polygon;
    expect(polygon.map((p) => p.x)).toEqual([0.1, 0.5, 0.5, 0.1].map(Math.fround));
  });

  it.each([
    ['TrackEvent', () => arrowTableOf(TrackEvent, [sampleTrackEvent(), sampleTrackEvent({ kind: 'lost', dwell_ms: null })]), 'dwell_ms', [12_000n, null]],
    ['Store', () => arrowTableOf(Store, [sampleStore()]), 'lat', [52.3791]],
    ['DeadLetter', () => arrowTableOf(DeadLetter, [sampleDeadLetter()]), 'service', ['stream-compute']],
  ] as const)('builds a %s table', (_name, build, column, expected) => {
    const table = build();
    expect(Array.from({ length: table.numRows }, (_, i) => table.getChild(column)!.get(i))).toEqual(expected);
  });

  it('builds every field type, nulls in optional structs and lists included', () => {
    const table = tableFromIPC(tableToIPC(arrowTableOf(AllTypes, ALL_TYPES_ROWS)));
    const column = (name: string) => Array.from({ length: table.numRows }, (_, i) => table.getChild(name)!.get(i) as unknown);
    expect(column('text')).toEqual(['a', '']);
    expect(column('small')).toEqual([-5, 0]);
    expect(column('big')).toEqual([2n ** 40n, -1n]);
    expect(column('single')).toEqual([0.5, -2]);
    expect(column('wide')).toEqual([0.1, 1e300]);
    expect(column('flag')).toEqual([true, false]);
    expect(Array.from(table.getChild('at')!.data[0]!.values as BigInt64Array)).toEqual([1_763_750_000_123_456n, 946_684_800_000_000n]);
    expect(String(table.getChild('day')!.type)).toBe('Date32<DAY>');
    expect(Array.from(table.getChild('day')!.data[0]!.values as Int32Array)).toEqual([20_413, -1]);
    expect(column('bytes').map((b) => Array.from(b as Uint8Array))).toEqual([[1, 2], []]);
    expect(column('maybe').map((v) => (v === null ? null : (v as { toJSON(): unknown }).toJSON()))).toEqual([{ n: 1 }, null]);
    expect(column('numbers').map((v) => (v === null ? null : Array.from(v as Iterable<bigint>)))).toEqual([[1n, 2n, 3n], null]);
  });

  it('stores binary payloads byte for byte', () => {
    const table = arrowTableOf(DeadLetter, [sampleDeadLetter(), sampleDeadLetter({ raw_payload: new Uint8Array(0) })]);
    expect(Array.from(table.getChild('raw_payload')!.get(0) as Uint8Array)).toEqual([0x7b, 0x7d, 0x00, 0xff]);
    expect((table.getChild('raw_payload')!.get(1) as Uint8Array).length).toBe(0);
  });

  it('builds an empty batch', () => {
    const batch = arrowRecordBatchOf(DetectionEvent, []);
    expect(batch.numRows).toBe(0);
    expect(flattenArrow(batch.schema.fields)).toEqual(flattenArrow(arrowSchemaOf(DetectionEvent).fields));
  });

  it('refuses a null in a required column, naming it', () => {
    const broken = [{ ...sampleDetection(), camera_id: null }] as unknown as Detection[];
    expect(() => arrowTableOf(DetectionEvent, broken)).toThrow(SchemaError);
    expect(() => arrowTableOf(DetectionEvent, broken)).toThrow('camera_id: required but null in row 0');
    const brokenBox = [sampleDetection(), { ...sampleDetection(), bbox: { x: null, y: 0, w: 0, h: 0 } }] as unknown as Detection[];
    expect(() => arrowTableOf(DetectionEvent, brokenBox)).toThrow('bbox.x: required but null in row 1');
  });

  it('writes Parquet whose columns carry the field ids (through parquet-wasm)', () => {
    const table = arrowTableOf(Camera, [sampleCamera()]);
    const parquet = writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')));
    const back = tableFromIPC(readParquet(parquet).intoIPCStream());
    expect(flattenArrow(back.schema.fields).map((c) => [c.path, c.id])).toEqual(flattenArrow(arrowSchemaOf(Camera).fields).map((c) => [c.path, c.id]));
  });
});
