import * as arrow from 'apache-arrow';
import type { Schema } from '../spec/types';
import { FakeCatalog } from '../transaction/fake-catalog.spec-helper';
import { TableWriter } from '../writer/table-writer';
import { planScan, readTable } from './table-scan';

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'ts', required: true, type: 'timestamptz' },
    { id: 3, name: 'store', required: false, type: 'string' },
  ],
};
const DAY = 86_400_000_000n;
const id = { namespace: ['db'], name: 't' };

function batch(rows: { id: number; day: number; store: string | null }[]): arrow.RecordBatch {
  const ts = arrow.makeData({
    type: new arrow.TimestampMicrosecond('UTC'),
    length: rows.length,
    nullCount: 0,
    data: BigInt64Array.from(rows.map((r, i) => BigInt(r.day) * DAY + BigInt(i))),
  });
  return new arrow.Table({
    id: arrow.vectorFromArray(rows.map((r) => BigInt(r.id)), new arrow.Int64()),
    ts: arrow.makeVector(ts),
    store: arrow.vectorFromArray(rows.map((r) => r.store), new arrow.Utf8()),
  }).batches[0]!;
}

/** Days 0, 1, 2 in one commit each (one file per day), stores a/b on day 0, c on day 1, d on day 2. */
async function dayPartitionedTable(): Promise<FakeCatalog> {
  const catalog = new FakeCatalog(schema);
  catalog.metadata['partition-specs'] = [{ 'spec-id': 0, fields: [{ 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' }] }];
  catalog.metadata['last-partition-id'] = 1000;
  const writer = new TableWriter({ catalog, io: catalog.io, table: await catalog.loadTable(id) });
  await writer.write(batch([{ id: 1, day: 0, store: 'a' }, { id: 2, day: 0, store: 'b' }]));
  await writer.commit();
  await writer.write(batch([{ id: 3, day: 1, store: 'c' }]));
  await writer.commit();
  await writer.write(batch([{ id: 4, day: 2, store: 'd' }, { id: 5, day: 2, store: null }]));
  await writer.commit();
  return catalog;
}

const ids = (table: arrow.Table) => table.toArray().map((r) => Number(r.id));

describe('readTable', () => {
  it('reads every live row of the current snapshot in the table schema', async () => {
    const catalog = await dayPartitionedTable();
    const table = await readTable({ io: catalog.io, metadata: catalog.metadata });
    expect(ids(table).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'ts', 'store']);
    expect(table.toArray().find((r) => Number(r.id) === 5)!.store).toBeNull();
  });

  it('prunes files by day partition, with strict bounds widened to whole days', async () => {
    const catalog = await dayPartitionedTable();
    const day1 = new Date(Number(DAY / 1000n));
    const plan = await planScan({ io: catalog.io, metadata: catalog.metadata, filter: [{ column: 'ts', op: 'gte', value: day1 }] });
    expect(plan.files.map((f) => f.partition[0]).sort()).toEqual([1, 2]);
    expect(plan.skippedFiles).toBe(1);
    const before = await planScan({ io: catalog.io, metadata: catalog.metadata, filter: [{ column: 'ts', op: 'lt', value: DAY + 1n }] });
    expect(before.files.map((f) => f.partition[0]).sort()).toEqual([0, 1]);
  });

  it('prunes files by column bounds', async () => {
    const catalog = await dayPartitionedTable();
    const table = await readTable({ io: catalog.io, metadata: catalog.metadata, filter: [{ column: 'store', op: 'in', values: ['c', 'zz'] }] });
    expect(ids(table)).toEqual([3]);
    const none = await planScan({ io: catalog.io, metadata: catalog.metadata, filter: [{ column: 'id', op: 'gt', value: 5n }] });
    expect(none.files).toEqual([]);
  });

  it('reads an older snapshot, returns nothing for an empty table and rejects unknown columns', async () => {
    const catalog = await dayPartitionedTable();
    const first = catalog.metadata.snapshots![0]!['snapshot-id'];
    expect(ids(await readTable({ io: catalog.io, metadata: catalog.metadata, snapshotId: first })).sort()).toEqual([1, 2]);
    const empty = new FakeCatalog(schema);
    expect((await readTable({ io: empty.io, metadata: empty.metadata })).numRows).toBe(0);
    await expect(planScan({ io: catalog.io, metadata: catalog.metadata, filter: [{ column: 'nope', op: 'eq', value: 1 }] })).rejects.toThrow('"nope"');
  });

  it('returns columns added after a file was written as nulls', async () => {
    const catalog = await dayPartitionedTable();
    const evolved: Schema = { ...schema, 'schema-id': 1, fields: [...schema.fields, { id: 4, name: 'zone', required: false, type: 'string' }] };
    catalog.metadata.schemas.push(evolved);
    catalog.metadata['current-schema-id'] = 1;
    const table = await readTable({ io: catalog.io, metadata: catalog.metadata });
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'ts', 'store', 'zone']);
    expect(table.toArray().every((r) => r.zone === null)).toBe(true);
  });
});
