import { mainSnapshot, readTable, ValidationError, type FileIO, type SnapshotId, type TableMetadata, type RestCatalog, type TableIdentifier } from '@retail/iceberg';
import { Camera, formatIssues, Store } from '@retail/schema';
import * as arrow from 'apache-arrow';
import { ReferenceTables } from '../operators';
import { StreamComputeServiceError } from './errors';
import { qualifiedName } from './tables';

export interface LoadedReference {
  tables: ReferenceTables;
  /** Current snapshot ids the tables were read at (null: empty table). */
  versions: { stores: SnapshotId | null; cameras: SnapshotId | null };
  stores: number;
  cameras: number;
  /** Rows the contract rejects: skipped, with the reason (logged by the caller). */
  invalid: string[];
}

function snapshotIdOf(metadata: TableMetadata): SnapshotId | null {
  return mainSnapshot(metadata)?.['snapshot-id'] ?? null;
}

export interface ReferenceSource {
  catalog: RestCatalog;
  io: FileIO;
  stores: TableIdentifier;
  cameras: TableIdentifier;
}

/** Current snapshot ids of both tables: a cheap change check (two metadata loads). */
export async function referenceVersions(source: ReferenceSource): Promise<LoadedReference['versions']> {
  const [stores, cameras] = await Promise.all([source.catalog.loadTable(source.stores), source.catalog.loadTable(source.cameras)]);
  return { stores: snapshotIdOf(stores.metadata), cameras: snapshotIdOf(cameras.metadata) };
}

/** Reads reference.stores and reference.cameras at their current snapshots and builds the join tables. */
export async function loadReference(source: ReferenceSource): Promise<LoadedReference> {
  const [storeTable, cameraTable] = await Promise.all([source.catalog.loadTable(source.stores), source.catalog.loadTable(source.cameras)]);
  const invalid: string[] = [];
  const validRows = <T>(rows: Record<string, unknown>[], validate: (row: unknown) => { ok: true; value: T } | { ok: false; errors: never[] }, what: string): T[] => {
    const out: T[] = [];
    for (const row of rows) {
      const checked = validate(row);
      if (checked.ok) out.push(checked.value);
      else invalid.push(`${what}: ${formatIssues(checked.errors)} in ${JSON.stringify(row).slice(0, 200)}`);
    }
    return out;
  };
  const storeRows = await currentRows(source.io, storeTable.metadata, qualifiedName(source.stores));
  const cameraRows = await currentRows(source.io, cameraTable.metadata, qualifiedName(source.cameras));
  const stores = validRows<Store>(storeRows, (row) => Store.validate(row) as never, qualifiedName(source.stores));
  const cameras = validRows<Camera>(cameraRows, (row) => Camera.validate(row) as never, qualifiedName(source.cameras));
  return {
    tables: new ReferenceTables(stores, cameras),
    versions: { stores: snapshotIdOf(storeTable.metadata), cameras: snapshotIdOf(cameraTable.metadata) },
    stores: stores.length,
    cameras: cameras.length,
    invalid,
  };
}

/**
 * A small table's rows at its current snapshot as plain objects (@retail/iceberg's reader: columns
 * matched by field id; tables with row-level deletes are refused, so rewrite reference tables whole).
 */
async function currentRows(io: FileIO, metadata: TableMetadata, what: string): Promise<Record<string, unknown>[]> {
  let table: arrow.Table;
  try {
    table = await readTable({ io, metadata });
  } catch (error) {
    // What the table holds (delete files, another file format) does not change by retrying; I/O does.
    if (error instanceof ValidationError) throw new StreamComputeServiceError('REFERENCE_UNREADABLE', `${what}: ${error.message}`, { cause: error });
    throw error;
  }
  const rows: Record<string, unknown>[] = [];
  for (const row of table) rows.push(plain(row) as Record<string, unknown>);
  return rows;
}

/** Arrow values → plain JS: structs to objects, lists to arrays, 64-bit integers to numbers. */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof arrow.Vector) return [...value].map(plain);
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function' && !(value instanceof Date)) {
    const json = (value as { toJSON(): Record<string, unknown> }).toJSON();
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(json)) out[key] = plain(inner);
    return out;
  }
  return value;
}
