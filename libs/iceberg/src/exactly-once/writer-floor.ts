import type { LoadedTable, TableIdentifier, TableRequirement, TableUpdate } from '../catalog/rest/client';
import type { Snapshot, SnapshotId, TableMetadata } from '../spec/types';
import type { CommitCatalog } from '../transaction/commit-loop';
import type { WriterCheckpoint } from './checkpoint';
import { CHECKPOINT_PROPERTY, WRITER_EPOCH_PROPERTY, WRITER_ID_PROPERTY } from './summary-keys';

/*
 * A writer's floor: its epoch and newest checkpoint copied into a TABLE PROPERTY, set in the same
 * catalog commit as the snapshot that carries them. Snapshot summaries disappear when snapshots are
 * expired by anything that does not know our retention rule (Trino `expire_snapshots`, Spark,
 * another team's job); table properties survive expiry. Recovery and fencing read the newer of the
 * floor and the snapshot history, so a writer whose snapshots all expired still resumes at its
 * checkpoint and still claims an epoch above every older instance.
 */
export const WRITER_FLOOR_PROPERTY_PREFIX = 'retail.writer-floor.';

export function writerFloorProperty(writerId: string): string {
  return `${WRITER_FLOOR_PROPERTY_PREFIX}${writerId}`;
}

/** The property value: what the snapshot summary said, plus where it was committed. */
interface FloorValue {
  epoch: number;
  /** The `retail.checkpoint` JSON text, or absent when the snapshot carried none. */
  checkpoint?: string;
  'snapshot-id': number | string;
  'sequence-number': number;
  'timestamp-ms': number;
}

/** The property to set alongside `snapshot`, if the snapshot carries a writer id. */
export function floorPropertyOf(snapshot: Snapshot): [key: string, value: string] | undefined {
  const writerId = snapshot.summary[WRITER_ID_PROPERTY];
  const epoch = Number(snapshot.summary[WRITER_EPOCH_PROPERTY]);
  if (writerId === undefined || !Number.isInteger(epoch)) return undefined;
  const value: FloorValue = {
    epoch,
    'snapshot-id': String(snapshot['snapshot-id']),
    'sequence-number': snapshot['sequence-number'],
    'timestamp-ms': snapshot['timestamp-ms'],
  };
  const checkpoint = snapshot.summary[CHECKPOINT_PROPERTY];
  if (checkpoint !== undefined) value.checkpoint = checkpoint;
  return [writerFloorProperty(writerId), JSON.stringify(value)];
}

function parseFloor<T>(writerId: string, raw: string): WriterCheckpoint<T> | undefined {
  try {
    const value = JSON.parse(raw) as FloorValue;
    if (!Number.isInteger(value.epoch) || !Number.isInteger(value['sequence-number'])) return undefined;
    const id = String(value['snapshot-id']);
    // Ids of other engines may exceed 2^53: kept exact as bigints, like the rest of the metadata.
    const snapshotId: SnapshotId = Number.isSafeInteger(Number(id)) ? Number(id) : BigInt(id);
    return {
      writerId,
      epoch: value.epoch,
      checkpoint: value.checkpoint === undefined ? null : (JSON.parse(value.checkpoint) as T),
      snapshotId,
      sequenceNumber: value['sequence-number'],
      timestampMs: value['timestamp-ms'],
    };
  } catch {
    // A hand-edited or foreign value is ignored rather than blocking start: history still applies.
    return undefined;
  }
}

/** The floor of one writer id, if the table has one. */
export function writerFloor<T = unknown>(metadata: TableMetadata, writerId: string): WriterCheckpoint<T> | undefined {
  const raw = metadata.properties?.[writerFloorProperty(writerId)];
  return raw === undefined ? undefined : parseFloor<T>(writerId, raw);
}

/** Every writer id's floor. */
export function writerFloors<T = unknown>(metadata: TableMetadata): Map<string, WriterCheckpoint<T>> {
  const out = new Map<string, WriterCheckpoint<T>>();
  for (const [key, raw] of Object.entries(metadata.properties ?? {})) {
    if (!key.startsWith(WRITER_FLOOR_PROPERTY_PREFIX)) continue;
    const writerId = key.slice(WRITER_FLOOR_PROPERTY_PREFIX.length);
    const floor = parseFloor<T>(writerId, raw);
    if (floor) out.set(writerId, floor);
  }
  return out;
}

/**
 * A catalog that adds, to every commit adding snapshots with writer keys in their summary, a
 * `set-properties` update recording each writer's floor (from the last such snapshot of the
 * request). Same request, so the floor and the snapshot land atomically or not at all. Wraps the
 * catalog an exactly-once writer commits through; nothing in the append path has to know.
 */
export function withWriterFloors(catalog: CommitCatalog): CommitCatalog {
  return {
    loadTable: (identifier: TableIdentifier): Promise<LoadedTable> => catalog.loadTable(identifier),
    commitTable: (identifier: TableIdentifier, requirements: TableRequirement[], updates: TableUpdate[]): Promise<LoadedTable> => {
      const floors: Record<string, string> = {};
      for (const update of updates) {
        if (update.action !== 'add-snapshot') continue;
        const floor = floorPropertyOf(update.snapshot as unknown as Snapshot);
        if (floor) floors[floor[0]] = floor[1];
      }
      if (Object.keys(floors).length === 0) return catalog.commitTable(identifier, requirements, updates);
      return catalog.commitTable(identifier, requirements, [...updates, { action: 'set-properties', updates: floors } as TableUpdate]);
    },
  };
}
