import { CHECKPOINT_PROPERTY, ancestorsOfMain, latestCheckpointsByWriter, type TableMetadata } from '@retail/iceberg';
import { MessageId } from '@retail/pulsar';
import { StreamComputeServiceError } from './errors';

/*
 * What stream-compute records in `retail.checkpoint` (see docs/stream-compute.md, "Checkpoints and
 * scaling"). The checkpoint table (gold.item_counts) carries a StateCheckpoint: it is the atomic
 * point of a cycle. Every other output table carries an OutputCheckpoint naming the cycle whose
 * rows the snapshot appends, which makes completing a half-applied cycle idempotent.
 */

/**
 * Per camera: [position = id of the newest message whose effect is committed (its partition
 * included), index into `files` of its state, version, chain start]. The version counts the
 * commits of the camera's state: it moves with the state between instances and grows by one with
 * every commit that changes it (a message, or a window fired by time alone). Absent in older
 * checkpoints (0). The chain start is the oldest cycle whose file (of the same writer as the state
 * file) holds a dedup delta the state refers to (incremental dedup state); absent: none older
 * than the state file.
 */
export type CameraEntry = [position: string, file: number, version?: number, chainFrom?: number];

/** A camera's committed entry, resolved. */
export interface CameraCommit {
  position: string;
  file: string;
  version: number;
  /** See CameraEntry: cycle files of the state file's writer from this cycle on may hold parts of the state. */
  chainFrom?: number;
}

/** What a writer's state of a camera derives from: the ordering key of committed camera entries. */
export type CameraBase = Pick<CameraCommit, 'position' | 'version'>;

export interface StateCheckpoint {
  kind: 'state';
  subscription: string;
  /** Cycle number of the committing writer; grows by one per commit. */
  cycle: number;
  /** This cycle's file: the rows of the other output tables (and the state of the cameras it changed). */
  cycleFile: string;
  /** State files referenced by `cameras`. */
  files: string[];
  cameras: Record<string, CameraEntry>;
}

export interface OutputCheckpoint {
  kind: 'output';
  subscription: string;
  /** Writer id and cycle whose rows this snapshot appends (may be another instance's, when completing its cycle). */
  writer: string;
  cycle: number;
  /**
   * Other writers' cycles the committing writer completed on this table (writer → newest cycle),
   * carried forward in each of its later markers: snapshot expiry keeps every writer's newest
   * marker, so a completion survives even when the snapshot that made it is expired.
   */
  completed?: Record<string, number>;
}

export function comparePositions(a: string, b: string): number {
  return MessageId.fromString(a).compareTo(MessageId.fromString(b));
}

/**
 * Orders committed states of one camera: by version, then by position (older checkpoints have no
 * versions). Positions alone cannot order them: a state changed by time alone (windows fired while
 * the camera sent nothing) keeps its position, and positions of different partitions do not compare.
 */
export function compareCameraCommits(a: CameraBase, b: CameraBase): number {
  if (a.version !== b.version) return a.version < b.version ? -1 : 1;
  return comparePositions(a.position, b.position);
}

/**
 * The per-key skip decision: a message at or below its camera's committed position already had
 * its effect committed (outputs, state, position in one atomic snapshot), so it is acknowledged
 * and not processed again. Positions of one camera are comparable: a key always maps to the same
 * partition, and Key_Shared delivers a key's messages in partition order.
 */
export function isAtOrBelow(position: MessageId | string | undefined, id: MessageId): boolean {
  if (position === undefined) return false;
  const committed = typeof position === 'string' ? MessageId.fromString(position) : position;
  // Another partition (the topic's partition count grew and the key moved): a new sequence, whose
  // ids do not compare with the old one's. Nothing of it is committed yet.
  if (committed.partition !== id.partition) return false;
  return id.compareTo(committed) <= 0;
}

export function isStateCheckpoint(value: unknown, subscription: string): value is StateCheckpoint {
  const v = value as StateCheckpoint | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.kind === 'state' &&
    v.subscription === subscription &&
    Number.isSafeInteger(v.cycle) &&
    typeof v.cycleFile === 'string' &&
    Array.isArray(v.files) &&
    typeof v.cameras === 'object' &&
    v.cameras !== null
  );
}

export function isOutputCheckpoint(value: unknown, subscription: string): value is OutputCheckpoint {
  const v = value as OutputCheckpoint | null;
  return typeof v === 'object' && v !== null && v.kind === 'output' && v.subscription === subscription && typeof v.writer === 'string' && Number.isSafeInteger(v.cycle);
}

/** Builds the checkpoint of a cycle: keeps only the files some camera still references. */
export function stateCheckpointOf(
  subscription: string,
  cycle: number,
  cycleFile: string,
  cameras: ReadonlyMap<string, { position: string; file: string; version?: number; chainFrom?: number }>,
): StateCheckpoint {
  const files: string[] = [];
  const indexOf = new Map<string, number>();
  const entries: Record<string, CameraEntry> = {};
  for (const [camera, { position, file, version, chainFrom }] of [...cameras].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let index = indexOf.get(file);
    if (index === undefined) {
      index = files.push(file) - 1;
      indexOf.set(file, index);
    }
    if (chainFrom !== undefined) entries[camera] = [position, index, version ?? 0, chainFrom];
    else entries[camera] = version === undefined || version === 0 ? [position, index] : [position, index, version];
  }
  return { kind: 'state', subscription, cycle, cycleFile, files, cameras: entries };
}

/** A camera's committed position and state file in one checkpoint. */
export function cameraEntryOf(checkpoint: StateCheckpoint, camera: string): CameraCommit | undefined {
  const entry = checkpoint.cameras[camera];
  if (entry === undefined) return undefined;
  const file = checkpoint.files[entry[1]];
  if (file === undefined) throw new StreamComputeServiceError('INVALID_CHECKPOINT', `checkpoint cycle ${checkpoint.cycle} names file #${entry[1]} for camera ${camera}, but has ${checkpoint.files.length} files`);
  const chainFrom = entry[3];
  return Number.isSafeInteger(chainFrom) ? { position: entry[0], file, version: entry[2] ?? 0, chainFrom } : { position: entry[0], file, version: entry[2] ?? 0 };
}

/** The newest state checkpoint of every writer id of the subscription on the checkpoint table. */
export function stateCheckpointsByWriter(metadata: TableMetadata, subscription: string): Map<string, StateCheckpoint> {
  return new Map([...stateCheckpointTimes(metadata, subscription)].map(([writerId, found]) => [writerId, found.checkpoint]));
}

/** Like stateCheckpointsByWriter, with the commit time of each (to tell a stalled writer from a busy one). */
export function stateCheckpointTimes(metadata: TableMetadata, subscription: string): Map<string, { checkpoint: StateCheckpoint; timestampMs: number }> {
  const out = new Map<string, { checkpoint: StateCheckpoint; timestampMs: number }>();
  for (const [writerId, found] of latestCheckpointsByWriter(metadata)) {
    if (isStateCheckpoint(found.checkpoint, subscription)) out.set(writerId, { checkpoint: found.checkpoint, timestampMs: found.timestampMs });
  }
  return out;
}

export interface CameraSource extends CameraCommit {
  writerId: string;
  checkpoint: StateCheckpoint;
}

/**
 * Where a camera's newest committed state is: among the newest checkpoints of all writers, the
 * one with the highest version (then position) for the camera. Instances hand cameras over
 * (Key_Shared ranges move when instances come and go); versions only grow, so the highest is the newest.
 */
export function newestCameraSource(checkpoints: ReadonlyMap<string, StateCheckpoint>, camera: string): CameraSource | undefined {
  let best: CameraSource | undefined;
  for (const [writerId, checkpoint] of checkpoints) {
    const entry = cameraEntryOf(checkpoint, camera);
    if (entry === undefined) continue;
    if (best === undefined || compareCameraCommits(entry, best) > 0) best = { writerId, checkpoint, ...entry };
  }
  return best;
}

/**
 * Cameras (among `cameras`) for which a writer other than `ownWriterId` committed a state newer
 * than the one this instance's state derives from (`known`; undefined: none). Either the camera
 * moved away and came back, or its previous owner committed it again after this instance adopted
 * it (e.g. fired its windows by time alone, position unchanged): this instance's state is stale, and
 * committing it would count those windows twice.
 */
export function camerasTakenOver(
  checkpoints: ReadonlyMap<string, StateCheckpoint>,
  ownWriterId: string,
  known: ReadonlyMap<string, CameraBase | undefined>,
  cameras: Iterable<string>,
): string[] {
  const taken: string[] = [];
  for (const camera of cameras) {
    const mine = known.get(camera);
    for (const [writerId, checkpoint] of checkpoints) {
      if (writerId === ownWriterId) continue;
      const theirs = cameraEntryOf(checkpoint, camera);
      if (theirs !== undefined && (mine === undefined || compareCameraCommits(theirs, mine) > 0)) {
        taken.push(camera);
        break;
      }
    }
  }
  return taken;
}

/**
 * The newest cycle of `writerId` whose rows an output table holds (-1: none), whoever committed
 * them. A writer's own cycles are applied in order, so the walk (newest first) stops at its first
 * own marker; completions by other writers newer than that marker count too (a completing
 * writer's `completed` map may still name an older cycle, hence the maximum).
 */
export function appliedCycle(metadata: TableMetadata, subscription: string, writerId: string): number {
  // Each writer's newest marker also survives in its writer floor (table property), even where
  // another engine expired the snapshots without keeping the exactly-once chain.
  let newest = -1;
  for (const { checkpoint } of latestCheckpointsByWriter(metadata).values()) {
    if (!isOutputCheckpoint(checkpoint, subscription)) continue;
    if (checkpoint.writer === writerId) newest = Math.max(newest, checkpoint.cycle);
    const completed = checkpoint.completed?.[writerId];
    if (Number.isSafeInteger(completed)) newest = Math.max(newest, completed!);
  }
  for (const snapshot of ancestorsOfMain(metadata)) {
    const raw = snapshot.summary[CHECKPOINT_PROPERTY];
    if (raw === undefined) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      continue;
    }
    if (!isOutputCheckpoint(parsed, subscription)) continue;
    const completed = parsed.completed?.[writerId];
    if (Number.isSafeInteger(completed)) newest = Math.max(newest, completed!);
    if (parsed.writer === writerId) return Math.max(newest, parsed.cycle);
  }
  return newest;
}

/** The `completed` map to carry forward, from a writer's own newest marker on a table. */
export function completedCyclesOf(own: unknown, subscription: string, ownWriterId: string): Record<string, number> {
  if (!isOutputCheckpoint(own, subscription)) return {};
  const completed: Record<string, number> = {};
  for (const [writer, cycle] of Object.entries(own.completed ?? {})) if (Number.isSafeInteger(cycle)) completed[writer] = cycle;
  if (own.writer !== ownWriterId) completed[own.writer] = Math.max(completed[own.writer] ?? -1, own.cycle);
  return completed;
}

/**
 * Refuses (fatally) to append `writerId`'s cycle to a table that already holds it: the commit
 * validation of every output-table commit of a cycle. Without it, an instance that stalled past
 * FOREIGN_CYCLE_GRACE_MS while another completed its cycle would append the same rows again.
 */
export function assertCycleNotApplied(base: TableMetadata, subscription: string, writerId: string, cycle: number, table: string): void {
  if (appliedCycle(base, subscription, writerId) >= cycle) {
    throw new StreamComputeServiceError(
      'CYCLE_COMPLETED_CONCURRENTLY',
      `${table}: cycle ${cycle} of ${writerId} is already applied (another instance completed it meanwhile); restart to re-read the tables`,
    );
  }
}
