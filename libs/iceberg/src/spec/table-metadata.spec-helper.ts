import type { Schema, Snapshot, TableMetadata } from './types';

/** A minimal v2 table metadata around the given snapshots, for unit tests of history walks. */
export function tableMetadataOf(
  snapshots: Snapshot[],
  refs: TableMetadata['refs'],
  options: { properties?: Record<string, string>; schemas?: Schema[] } = {},
): TableMetadata {
  return {
    'format-version': 2,
    'table-uuid': 'u',
    location: 'mem://t',
    'last-updated-ms': 0,
    'last-column-id': 1,
    'current-schema-id': 0,
    schemas: options.schemas ?? [],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [] }],
    'last-partition-id': 999,
    properties: options.properties ?? {},
    'current-snapshot-id': refs?.main?.['snapshot-id'] ?? null,
    snapshots,
    refs,
  };
}

/** `main` pointing at `snapshotId`. */
export function mainAt(snapshotId: number): TableMetadata['refs'] {
  return { main: { 'snapshot-id': snapshotId, type: 'branch' } };
}
