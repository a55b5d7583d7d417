import type { NestedField, Schema } from '../spec/types';
import { AddColumnsCommit } from './add-columns';
import { commitWithRetries } from './commit-loop';
import { FakeCatalog } from './fake-catalog.spec-helper';

const id = { namespace: ['db'], name: 't' };
const noWait = { sleep: async () => undefined };
// A contract-shaped table: ids are not in traversal order, a struct holds nested ids.
const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'event_id', required: true, type: 'string' },
    { id: 5, name: 'bbox', required: false, type: { type: 'struct', fields: [{ id: 6, name: 'x', required: true, type: 'float' }] } },
    { id: 2, name: 'ts', required: true, type: 'timestamptz' },
  ],
};
const schemaAfter = async (catalog: FakeCatalog) => catalog.metadata.schemas.find((s) => s['schema-id'] === catalog.metadata['current-schema-id'])!;

describe('AddColumnsCommit with the caller’s field ids', () => {
  it('adds top-level and nested columns, including nested types, keeping the given ids', async () => {
    const catalog = new FakeCatalog(schema);
    catalog.metadata['last-column-id'] = 6;
    const zone: NestedField['type'] = { type: 'list', 'element-id': 12, element: 'string', 'element-required': true };
    const columns = [
      { id: 11, name: 'zones', type: zone },
      { id: 7, name: 'w', type: 'float' as const, parentId: 5 },
      { id: 9, name: 'meta', type: { type: 'struct' as const, fields: [{ id: 10, name: 'source', required: false, type: 'string' as const }] } },
      { id: 13, name: 'origin', type: 'string' as const, parentId: 9 },
    ];
    await commitWithRetries(catalog, id, new AddColumnsCommit(columns), noWait);
    const fields = (await schemaAfter(catalog)).fields;
    expect(fields.map((f) => [f.id, f.name, f.required])).toEqual([
      [1, 'event_id', true],
      [5, 'bbox', false],
      [2, 'ts', true],
      [11, 'zones', false],
      [9, 'meta', false],
    ]);
    expect(fields[1]!.type).toEqual({ type: 'struct', fields: [{ id: 6, name: 'x', required: true, type: 'float' }, { id: 7, name: 'w', required: false, type: 'float' }] });
    expect(fields[3]!.type).toEqual(zone);
    expect(fields[4]!.type).toEqual({
      type: 'struct',
      fields: [
        { id: 10, name: 'source', required: false, type: 'string' },
        { id: 13, name: 'origin', required: false, type: 'string' },
      ],
    });

    // Idempotent: applying the same columns again changes nothing.
    const commits = catalog.commits;
    await commitWithRetries(catalog, id, new AddColumnsCommit(columns), noWait);
    expect(catalog.commits).toBe(commits);
  });

  it('refuses ids in use (now or by an older schema), a different id for an existing name, and a missing parent', async () => {
    const catalog = new FakeCatalog(schema);
    await expect(commitWithRetries(catalog, id, new AddColumnsCommit([{ id: 6, name: 'y', type: 'float' }]), noWait)).rejects.toThrow(
      'column y: field id 6 (y) is already used by bbox.x',
    );
    await expect(commitWithRetries(catalog, id, new AddColumnsCommit([{ id: 8, name: 'ts', type: 'timestamptz' }]), noWait)).rejects.toThrow(
      'column ts already exists with field id 2, not 8',
    );
    await expect(commitWithRetries(catalog, id, new AddColumnsCommit([{ id: 8, name: 'y', type: 'float', parentId: 40 }]), noWait)).rejects.toThrow(
      'the table has no struct field 40',
    );
    // An id an older schema used (a dropped column): its old files would show through.
    catalog.metadata.schemas.push({ type: 'struct', 'schema-id': 7, fields: [{ id: 20, name: 'dropped', required: false, type: 'long' }] });
    await expect(commitWithRetries(catalog, id, new AddColumnsCommit([{ id: 20, name: 'fresh', type: 'long' }]), noWait)).rejects.toThrow(
      'field id 20 (fresh) is already used by dropped',
    );
    await expect(commitWithRetries(catalog, id, new AddColumnsCommit([{ name: 'nested', type: { type: 'struct', fields: [] } }]), noWait)).rejects.toThrow(
      'give the field ids of a nested column',
    );
  });
});
