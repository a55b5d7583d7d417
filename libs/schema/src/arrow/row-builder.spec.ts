import fc from 'fast-check';
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { arrowRecordBatchOf, defineRecord, DeadLetter, field, ItemCount, LateEvent, LineCrossing, optional, QueueAlert, RecordColumns, SchemaError, SilverDetection, t, ZoneDwell, type RecordType } from '../index';
import { ALL_TYPES_ROWS, AllTypes } from '../test-support/all-types';
import { sampleItemCount, sampleLateEvent, sampleLineCrossing, sampleQueueAlert, sampleSilverDetection, sampleZoneDwell } from '../test-support/compute-samples';
import { referenceRecordBatchOf } from '../test-support/reference-arrow-builder';
import { sampleDeadLetter } from '../test-support/samples';

// The row builder (arrowRecordBatchOf, RecordColumns) against the plain reference builder: the same IPC bytes.

type Row = Record<string, unknown>;
/** The builder under test, on rows as the tests make them (untyped on purpose: some are invalid). */
const batchOf = (record: RecordType, rows: readonly object[]): RecordBatch => arrowRecordBatchOf(record, rows as never);

const ipc = (batch: RecordBatch) => Buffer.from(tableToIPC(new Table(batch.schema, [batch]), 'stream'));

describe('arrowRecordBatchOf', () => {
  const cases: [string, RecordType, object[]][] = [
    ['every field type, with nulls', AllTypes as unknown as RecordType, ALL_TYPES_ROWS],
    ['silver.detections', SilverDetection as unknown as RecordType, [sampleSilverDetection(), sampleSilverDetection({ track_id: null, zone_ids: [], store_name: 'Zürich Ost' })]],
    ['gold.item_counts', ItemCount as unknown as RecordType, [sampleItemCount(), sampleItemCount({ item_name: 'cart' })]],
    ['gold.zone_dwell', ZoneDwell as unknown as RecordType, [sampleZoneDwell()]],
    ['gold.line_crossings', LineCrossing as unknown as RecordType, [sampleLineCrossing()]],
    ['gold.queue_alerts', QueueAlert as unknown as RecordType, [sampleQueueAlert()]],
    ['ops.late_events', LateEvent as unknown as RecordType, [sampleLateEvent()]],
    ['ops.dead_letters', DeadLetter as unknown as RecordType, [sampleDeadLetter(), sampleDeadLetter({ raw_payload: new Uint8Array([0, 255, 7]) })]],
  ];

  it.each(cases)('builds the same Arrow data as the reference builder: %s', (_name, record, rows) => {
    const ours = batchOf(record, rows);
    expect(ours.numRows).toBe(rows.length);
    expect(ipc(ours).equals(ipc(referenceRecordBatchOf(record, rows)))).toBe(true);
  });

  it('builds an empty batch and refuses a missing required value, naming the column', () => {
    expect(batchOf(ItemCount as unknown as RecordType, []).numRows).toBe(0);
    const broken = { ...sampleItemCount(), store_id: null } as unknown as Row;
    expect(() => batchOf(ItemCount as unknown as RecordType, [broken])).toThrow(/store_id: required but null in row 0/);
  });
});

describe('arrowRecordBatchOf 64-bit columns', () => {
  it('writes negative, large and boundary values like BigInt would', () => {
    const values = [0, -1, 1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1_777_593_600_123_456];
    const rows = values.map((big) => ({ ...ALL_TYPES_ROWS[0]!, big, at: Math.abs(big) }));
    const batch = batchOf(AllTypes as unknown as RecordType, rows);
    expect(Array.from({ length: values.length }, (_, i) => batch.getChild('big')!.get(i) as bigint)).toEqual(values.map((v) => BigInt(v)));
    expect(ipc(batch).equals(ipc(referenceRecordBatchOf(AllTypes, rows)))).toBe(true);
  });
});

/** Nulls at every level: an optional struct holding a required struct, lists of strings and of structs. */
const Nested = defineRecord({
  name: 'NestedRows',
  doc: 'Nested structs and lists, for the row builder.',
  kind: 'gold',
  version: 1,
  table: { namespace: 'test', name: 'nested_rows' },
  topic: 'persistent://test/test/nested-rows',
  fields: {
    id: field(1, t.string()),
    note: optional(2, t.string()),
    place: optional(
      3,
      t.struct({
        label: field(10, t.string()),
        code: optional(11, t.string()),
        spot: field(12, t.struct({ x: field(13, t.double()), tags: field(14, t.list(15, t.string())) })),
      }),
    ),
    tags: field(4, t.list(16, t.string())),
    parts: optional(5, t.list(17, t.struct({ name: field(18, t.string()), size: optional(19, t.long()) }))),
  },
});
const NESTED = Nested as unknown as RecordType;

/** Shared string objects, as the reference join hands out (ASCII, accented, emoji, empty). */
const POOL = ['Amsterdam Centraal', 'Zürich Ost', 'São Paulo — Praça', 'cam-01', '', '🛒 checkout', 'Ærø', 'x'];

/** Strings as rows carry them: the same objects again and again, fresh copies of them, arbitrary text (lone surrogates too), long ids. */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...POOL) },
  { weight: 1, arbitrary: fc.constantFrom(...POOL).map((s) => [...s].join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 100, maxLength: 3000 }) },
);

const nestedRow = fc.record({
  id: text,
  note: fc.option(text),
  place: fc.option(fc.record({ label: text, code: fc.option(text), spot: fc.record({ x: fc.double({ noNaN: true }), tags: fc.array(text, { maxLength: 4 }) }) })),
  tags: fc.array(text, { maxLength: 5 }),
  parts: fc.option(fc.array(fc.record({ name: text, size: fc.option(fc.maxSafeInteger()) }), { maxLength: 3 })),
});

const allTypesRow = fc.record({
  text,
  small: fc.integer(),
  big: fc.maxSafeInteger(),
  single: fc.float({ noNaN: true }),
  wide: fc.double({ noNaN: true }),
  flag: fc.boolean(),
  at: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  day: fc.integer({ min: -100_000, max: 100_000 }),
  bytes: fc.uint8Array({ maxLength: 40 }),
  maybe: fc.option(fc.record({ n: fc.integer() })),
  numbers: fc.option(fc.array(fc.maxSafeInteger(), { maxLength: 6 })),
});

const sameAsReference = (record: RecordType, rows: object[]): boolean => ipc(batchOf(record, rows)).equals(ipc(referenceRecordBatchOf(record, rows)));

describe('arrowRecordBatchOf matches the reference builder on generated rows', () => {
  // Batches one after another on the same record: each sizes its buffers from the last one, so these also cover growing past a guess.
  it('nested structs and lists, nulls at every level, any strings', () => {
    fc.assert(fc.property(fc.array(nestedRow, { maxLength: 40 }), (rows) => sameAsReference(NESTED, rows)));
  });

  it('every field type', () => {
    fc.assert(fc.property(fc.array(allTypesRow, { maxLength: 40 }), (rows) => sameAsReference(AllTypes as unknown as RecordType, rows)));
  });
});

describe('arrowRecordBatchOf strings and sizes', () => {
  const nested = (id: string, overrides: object = {}) => ({ id, note: null, place: null, tags: [], parts: null, ...overrides });

  it('writes long ids and many list elements after a small batch sized its buffers', () => {
    expect(sameAsReference(NESTED, [nested('a')])).toBe(true);
    const rows = Array.from({ length: 3000 }, (_, i) => nested(`detection-${i}-${'x'.repeat(i % 500)}`, { tags: POOL.slice(0, i % POOL.length), parts: [{ name: POOL[i % POOL.length]!, size: i }] }));
    expect(sameAsReference(NESTED, rows)).toBe(true);
    expect(sameAsReference(NESTED, rows.slice(0, 2))).toBe(true);
  });

  it('keeps the null bits of list elements when their column outgrows the last batch\'s size', () => {
    expect(sameAsReference(NESTED, Array.from({ length: 40 }, (_, i) => nested(`r${i}`)))).toBe(true);
    const parts = (i: number) => [0, 1, 2, 3].map((k) => ({ name: `p${k}`, size: (i + k) % 3 === 0 ? null : k }));
    expect(sameAsReference(NESTED, Array.from({ length: 40 }, (_, i) => nested(`r${i}`, { parts: parts(i) })))).toBe(true);
  });

  it('repeats a non-ASCII value, fresh copies of it and the same object, with the right bytes and offsets', () => {
    const fresh = () => ['Zür', 'ich'].join('');
    const rows = [nested('Zürich'), nested(fresh()), nested('a'), nested(fresh()), nested(''), nested('Zürich'), nested('€'), nested('Zürich')];
    const batch = batchOf(NESTED, rows);
    expect(Array.from({ length: rows.length }, (_, i) => batch.getChild('id')!.get(i) as string)).toEqual(rows.map((r) => r.id));
    expect(sameAsReference(NESTED, rows)).toBe(true);
  });

  it('empty lists, empty strings and null structs make no elements', () => {
    const rows = [nested('', { tags: [], parts: [] }), nested('b', { place: null, parts: null }), nested('', { place: { label: '', code: null, spot: { x: 0, tags: [] } } })];
    const batch = batchOf(NESTED, rows);
    expect(batch.getChild('tags')!.get(0)!.length).toBe(0);
    expect(batch.getChild('place')!.get(1)).toBeNull();
    expect(sameAsReference(NESTED, rows)).toBe(true);
  });
});

describe('arrowRecordBatchOf refuses missing required values, naming the path and the row', () => {
  const valid = () => ({ id: 'a', note: null, place: { label: 'l', code: null, spot: { x: 1, tags: ['t'] } }, tags: ['u'], parts: [{ name: 'p', size: null }] });
  const refused = (row: object, rowIndex = 1) => () => batchOf(NESTED, [valid(), ...Array(rowIndex - 1).fill(valid()), row]);

  it.each([
    ['a top-level value', { ...valid(), id: null }, /^id: required but null in row 1$/],
    ['a struct field', { ...valid(), place: { ...valid().place, label: undefined } }, /^place\.label: required but null in row 1$/],
    ['a struct in a struct', { ...valid(), place: { ...valid().place, spot: null } }, /^place\.spot: required but null in row 1$/],
    ['a list in a struct', { ...valid(), place: { ...valid().place, spot: { x: 1, tags: null } } }, /^place\.spot\.tags: required but null in row 1$/],
    ['a list element', { ...valid(), tags: ['a', null] }, /^tags\[\]: required but null in row 1$/],
    ['a field of a list element', { ...valid(), parts: [{ name: null, size: 1 }] }, /^parts\[\]\.name: required but null in row 1$/],
  ])('%s', (_name, row, message) => {
    expect(refused(row)).toThrow(SchemaError);
    expect(refused(row)).toThrow(expect.objectContaining({ code: 'INVALID_RECORD', message: expect.stringMatching(message) }));
  });

  it('builds the next batch right after refusing one half-way', () => {
    expect(refused({ ...valid(), tags: ['a', null] }, 3)).toThrow(/tags\[\]: required/);
    expect(sameAsReference(NESTED, [valid(), { ...valid(), id: 'Zürich', tags: ['b', 'c'] }])).toBe(true);
  });

  it('takes the required fields of a null struct as null, not missing', () => {
    expect(sameAsReference(NESTED, [{ ...valid(), place: null }, valid()])).toBe(true);
  });
});

describe('RecordColumns (rows added one at a time)', () => {
  it('builds, batch after batch, what the reference builder makes of the same rows', () => {
    const columns = new RecordColumns(Nested, 2); // a small first guess: the columns grow while rows arrive
    fc.assert(
      fc.property(fc.array(nestedRow, { maxLength: 60 }), (rows) => {
        for (const row of rows) columns.add(row);
        expect(columns.length).toBe(rows.length);
        const batch = columns.finish();
        expect(columns.length).toBe(0);
        return batch.numRows === rows.length && ipc(batch).equals(ipc(referenceRecordBatchOf(NESTED, rows)));
      }),
    );
  });

  it('stops at a row with a missing required value: that row and every later call fail, nothing half-written is returned', () => {
    const columns = new RecordColumns(ItemCount);
    columns.add(sampleItemCount());
    const broken = { ...sampleItemCount(), store_id: null } as never;
    expect(() => columns.add(broken)).toThrow(/store_id: required but null in row 1/);
    expect(() => columns.add(sampleItemCount())).toThrow(/store_id: required but null/);
    expect(() => columns.finish()).toThrow(/store_id: required but null/);
  });
});
