import { ValidationError } from '../errors';
import type { Snapshot, SnapshotId, TableMetadata } from '../spec/types';
import { ancestorsOfMain } from '../transaction/table-state';
import { CHECKPOINT_PROPERTY, WRITER_EPOCH_PROPERTY, WRITER_ID_PROPERTY } from './summary-keys';
import { writerFloor, writerFloors } from './writer-floor';

/*
 * Exactly-once primitives. A writer (one logical producer, identified by a stable writer id)
 * records in the summary of every snapshot it commits:
 *   retail.writer-id     its id
 *   retail.writer-epoch  the epoch it claimed at start (see fencing.ts)
 *   retail.checkpoint    JSON of the source positions the snapshot's data covers
 * Data and checkpoint land in the same atomic commit, so after a crash the newest checkpoint on
 * `main` says exactly which input is durable: resume after it, and nothing is lost or duplicated.
 * Each commit also records the writer's floor in a table property (writer-floor.ts), which outlives
 * expiry of the snapshots by engines that do not know these keys.
 */
export { CHECKPOINT_PROPERTY, WRITER_EPOCH_PROPERTY, WRITER_ID_PROPERTY };

export interface WriterCheckpoint<T = unknown> {
  writerId: string;
  epoch: number;
  /** Parsed `retail.checkpoint` JSON, or null for a snapshot that claimed an epoch with no history. */
  checkpoint: T | null;
  snapshotId: SnapshotId;
  sequenceNumber: number;
  timestampMs: number;
}

/** Summary properties a writer puts on a commit carrying `checkpoint`. */
export function checkpointProperties(writerId: string, epoch: number, checkpoint: unknown): Record<string, string> {
  if (!writerId) throw new ValidationError('writer id must be a non-empty string');
  const properties: Record<string, string> = {
    [WRITER_ID_PROPERTY]: writerId,
    [WRITER_EPOCH_PROPERTY]: String(epoch),
  };
  if (checkpoint !== null && checkpoint !== undefined) properties[CHECKPOINT_PROPERTY] = JSON.stringify(checkpoint);
  return properties;
}

function epochOf(snapshot: Snapshot): number {
  const raw = snapshot.summary[WRITER_EPOCH_PROPERTY];
  const epoch = Number(raw);
  if (raw === undefined || !Number.isInteger(epoch)) {
    throw new ValidationError(`snapshot ${snapshot['snapshot-id']} has writer id but invalid epoch "${raw}"`);
  }
  return epoch;
}

function toCheckpoint<T>(snapshot: Snapshot, writerId: string): WriterCheckpoint<T> {
  const raw = snapshot.summary[CHECKPOINT_PROPERTY];
  return {
    writerId,
    epoch: epochOf(snapshot),
    checkpoint: raw === undefined ? null : (JSON.parse(raw) as T),
    snapshotId: snapshot['snapshot-id'],
    sequenceNumber: snapshot['sequence-number'],
    timestampMs: snapshot['timestamp-ms'],
  };
}

/**
 * Of a writer's state found in the history and its floor (table property, see writer-floor.ts),
 * the newer one by sequence number — with the higher epoch of the two, since an epoch claim is
 * never undone.
 */
function newer<T>(history: WriterCheckpoint<T> | undefined, floor: WriterCheckpoint<T> | undefined): WriterCheckpoint<T> | undefined {
  if (!history || !floor) return history ?? floor;
  const newest = floor.sequenceNumber > history.sequenceNumber ? floor : history;
  return { ...newest, epoch: Math.max(history.epoch, floor.epoch) };
}

/**
 * The newest state of `writerId`: its last committed checkpoint and its current epoch, from the
 * newest of its snapshots on the ancestry of `main` and its floor property (which survives
 * snapshot expiry by other engines). Undefined if the writer never committed.
 */
export function latestWriterSnapshot<T = unknown>(metadata: TableMetadata, writerId: string): WriterCheckpoint<T> | undefined {
  let history: WriterCheckpoint<T> | undefined;
  for (const snapshot of ancestorsOfMain(metadata)) {
    if (snapshot.summary[WRITER_ID_PROPERTY] === writerId) {
      history = toCheckpoint<T>(snapshot, writerId);
      break;
    }
  }
  return newer(history, writerFloor<T>(metadata, writerId));
}

/** The newest committed checkpoint of `writerId` (skipping epoch claims that carried none). */
export function latestCheckpoint<T = unknown>(metadata: TableMetadata, writerId: string): WriterCheckpoint<T> | undefined {
  let history: WriterCheckpoint<T> | undefined;
  for (const snapshot of ancestorsOfMain(metadata)) {
    if (snapshot.summary[WRITER_ID_PROPERTY] === writerId && snapshot.summary[CHECKPOINT_PROPERTY] !== undefined) {
      history = toCheckpoint<T>(snapshot, writerId);
      break;
    }
  }
  const floor = writerFloor<T>(metadata, writerId);
  return newer(history, floor?.checkpoint === null ? undefined : floor);
}

/**
 * The newest committed checkpoint of every writer id on `main` or in a floor property (one walk
 * of the ancestry). A service whose instances use different writer ids reads its source positions
 * from all of them.
 */
export function latestCheckpointsByWriter<T = unknown>(metadata: TableMetadata): Map<string, WriterCheckpoint<T>> {
  const out = new Map<string, WriterCheckpoint<T>>();
  for (const snapshot of ancestorsOfMain(metadata)) {
    const writerId = snapshot.summary[WRITER_ID_PROPERTY];
    if (writerId === undefined || out.has(writerId) || snapshot.summary[CHECKPOINT_PROPERTY] === undefined) continue;
    out.set(writerId, toCheckpoint<T>(snapshot, writerId));
  }
  for (const [writerId, floor] of writerFloors<T>(metadata)) {
    if (floor.checkpoint === null) continue;
    out.set(writerId, newer(out.get(writerId), floor)!);
  }
  return out;
}

/**
 * Snapshot expiry rule: besides whatever the expiry policy keeps, never expire, for each writer id
 * seen on `main`, its newest snapshot (which carries its current epoch) and its newest checkpoint
 * snapshot — and keep the parent chain from `main` down to them intact, since recovery walks
 * ancestry. Returns the ids that must be retained.
 */
export function snapshotsToRetain(metadata: TableMetadata): Set<SnapshotId> {
  const retain = new Set<SnapshotId>();
  const chain: SnapshotId[] = [];
  const latestSeen = new Set<string>();
  const checkpointSeen = new Set<string>();
  let oldestNeeded = -1;
  for (const snapshot of ancestorsOfMain(metadata)) {
    chain.push(snapshot['snapshot-id']);
    const writerId = snapshot.summary[WRITER_ID_PROPERTY];
    if (writerId === undefined) continue;
    let needed = false;
    if (!latestSeen.has(writerId)) {
      latestSeen.add(writerId);
      needed = true;
    }
    if (!checkpointSeen.has(writerId) && snapshot.summary[CHECKPOINT_PROPERTY] !== undefined) {
      checkpointSeen.add(writerId);
      needed = true;
    }
    if (needed) oldestNeeded = chain.length - 1;
  }
  for (let i = 0; i <= oldestNeeded; i++) retain.add(chain[i]!);
  return retain;
}
