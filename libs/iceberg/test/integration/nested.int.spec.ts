import * as arrow from 'apache-arrow';
import { currentSchema, loadOrCreateTableWithIds, TableWriter, type TableIdentifier } from '../../src';
import { fqn, trinoRows, useTestNamespace } from './support';

/** Shaped like Camera: a list of structs that holds a list of structs, next to a plain struct. */
const SCHEMA = {
  type: 'struct' as const,
  fields: [
    { id: 1, name: 'camera_id', required: true, type: 'string' as const },
    {
      id: 2,
      name: 'box',
      required: false,
      type: { type: 'struct' as const, fields: [
        { id: 4, name: 'x', required: true, type: 'float' as const },
        { id: 5, name: 'label', required: false, type: 'string' as const },
      ] },
    },
    {
      id: 3,
      name: 'zones',
      required: true,
      type: {
        type: 'list' as const,
        'element-id': 6,
        'element-required': true,
        element: { type: 'struct' as const, fields: [
          { id: 7, name: 'zone_id', required: true, type: 'string' as const },
          {
            id: 8,
            name: 'polygon',
            required: true,
            type: { type: 'list' as const, 'element-id': 9, 'element-required': true, element: { type: 'struct' as const, fields: [
              { id: 10, name: 'x', required: true, type: 'double' as const },
              { id: 11, name: 'y', required: true, type: 'double' as const },
            ] } },
          },
        ] },
      },
    },
  ],
};

const point = new arrow.Struct([new arrow.Field('x', new arrow.Float64(), false), new arrow.Field('y', new arrow.Float64(), false)]);
const zone = new arrow.Struct([
  new arrow.Field('zone_id', new arrow.Utf8(), false),
  new arrow.Field('polygon', new arrow.List(new arrow.Field('element', point, false)), false),
]);

const rows = [
  { camera_id: 'cam-1', box: { x: 0.25, label: 'shelf' }, zones: [{ zone_id: 'z1', polygon: [{ x: 0, y: 0 }, { x: 1, y: 0.5 }, { x: 0.5, y: 1 }] }] },
  { camera_id: 'cam-2', box: null, zones: [] },
  { camera_id: 'cam-3', box: { x: 0.75, label: null }, zones: [{ zone_id: 'z2', polygon: [{ x: 0.1, y: 0.2 }] }, { zone_id: 'z3', polygon: [] }] },
];

function batch(): arrow.RecordBatch {
  return new arrow.Table({
    camera_id: arrow.vectorFromArray(rows.map((r) => r.camera_id), new arrow.Utf8()),
    box: arrow.vectorFromArray(rows.map((r) => r.box), new arrow.Struct([new arrow.Field('x', new arrow.Float32(), false), new arrow.Field('label', new arrow.Utf8(), true)])),
    zones: arrow.vectorFromArray(rows.map((r) => r.zones), new arrow.List(new arrow.Field('element', zone, false))),
  }).batches[0]!;
}

describe('nested columns read back by Trino', () => {
  const suite = useTestNamespace('it_iceberg_nested');
  const { namespace } = suite;

  it('returns structs and lists of structs with lists inside, value for value, and prunes on a nested bound', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'cameras' };
    const table = await catalog.createTable(id, { schema: SCHEMA });
    const writer = new TableWriter({ catalog, io, table });
    await writer.write(batch());
    await writer.commit();

    const read = await trinoRows(
      `SELECT camera_id, box.x, box.label, cardinality(zones), transform(zones, z -> z.zone_id), transform(zones, z -> transform(z.polygon, p -> p.y)) FROM ${fqn(id)} ORDER BY camera_id`,
    );
    expect(read).toEqual([
      ['cam-1', 0.25, 'shelf', 1, ['z1'], [[0, 0.5, 1]]],
      ['cam-2', null, null, 0, [], []],
      ['cam-3', 0.75, null, 2, ['z2', 'z3'], [[0.2], []]],
    ]);
    // box.x bounds are [0.25, 0.75]: a filter outside them must still be answered correctly.
    expect(await trinoRows(`SELECT count(*) FROM ${fqn(id)} WHERE box.x > 0.5`)).toEqual([[1]]);
    expect(await trinoRows(`SELECT count(*) FROM ${fqn(id)} WHERE box.x > 0.9`)).toEqual([[0]]);
  });

  it('creates a table whose ids are not in the catalog assignment order and keeps them (plain createTable renumbers)', async () => {
    const { catalog, io } = suite;
    // An evolved contract: `note` was added later with id 12, nested ids sit above it.
    const fields = [
      { id: 1, name: 'camera_id', required: true, type: 'string' as const },
      { id: 12, name: 'note', required: false, type: 'string' as const },
      { id: 2, name: 'box', required: false, type: { type: 'struct' as const, fields: [{ id: 13, name: 'x', required: true, type: 'float' as const }] } },
    ];
    const renumbered = await catalog.createTable({ namespace, name: 'plain' }, { schema: { type: 'struct', fields } });
    expect(currentSchema(renumbered.metadata).fields.map((f) => f.id)).toEqual([1, 2, 3]);

    const id: TableIdentifier = { namespace, name: 'kept' };
    const table = await loadOrCreateTableWithIds(catalog, id, { fields, partitionFields: [{ 'source-id': 1, 'field-id': 1000, name: 'camera_bucket', transform: 'bucket[4]' }] });
    const schema = currentSchema(table.metadata);
    expect(schema.fields.map((f) => f.id)).toEqual([1, 12, 2]);
    expect(JSON.stringify(schema.fields[2]!.type)).toContain('"id":13');
    expect(table.metadata['partition-specs'].find((s) => s['spec-id'] === table.metadata['default-spec-id'])!.fields).toEqual([
      { name: 'camera_bucket', transform: 'bucket[4]', 'source-id': 1, 'field-id': 1000 },
    ]);
    // Idempotent, and the data lands in the right columns.
    expect((await loadOrCreateTableWithIds(catalog, id, { fields })).metadata['table-uuid']).toBe(table.metadata['table-uuid']);
    const writer = new TableWriter({ catalog, io, table });
    await writer.write(
      new arrow.Table({
        camera_id: arrow.vectorFromArray(['cam-9'], new arrow.Utf8()),
        note: arrow.vectorFromArray(['hello'], new arrow.Utf8()),
        box: arrow.vectorFromArray([{ x: 0.5 }], new arrow.Struct([new arrow.Field('x', new arrow.Float32(), false)])),
      }).batches[0]!,
    );
    await writer.commit();
    expect(await trinoRows(`SELECT camera_id, note, box.x FROM ${fqn(id)}`)).toEqual([['cam-9', 'hello', 0.5]]);
  });
});
