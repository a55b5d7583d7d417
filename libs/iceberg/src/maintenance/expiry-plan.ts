import { ConfigurationError } from '../errors';
import { snapshotsToRetain } from '../exactly-once/checkpoint';
import type { Snapshot, SnapshotId, TableMetadata } from '../spec/types';

/** Iceberg's table properties for snapshot retention, and their defaults. */
export const MAX_SNAPSHOT_AGE_PROPERTY = 'history.expire.max-snapshot-age-ms';
export const MIN_SNAPSHOTS_TO_KEEP_PROPERTY = 'history.expire.min-snapshots-to-keep';
export const DEFAULT_MAX_SNAPSHOT_AGE_MS = 5 * 24 * 60 * 60 * 1000;
export const DEFAULT_MIN_SNAPSHOTS_TO_KEEP = 1;

export interface ExpiryPolicy {
  /** Expire snapshots committed before this time (epoch ms). */
  olderThanMs?: number;
  /** Keep at least this many of the newest snapshots of every branch. */
  retainLast?: number;
}

export interface ExpiryPlan {
  /** Snapshots to remove, oldest first. */
  expire: Snapshot[];
  /** Snapshots that stay (everything else in the metadata). */
  retain: Snapshot[];
}

interface ResolvedPolicy {
  cutoffMs: number;
  retainLast: number;
}

function nonNegativeInt(raw: string | undefined, key: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigurationError(`table property ${key}=${raw} is invalid: set it to a non-negative integer`);
  }
  return value;
}

/**
 * Which policy applies: with only `retainLast`, everything beyond the newest N goes; with only
 * `olderThanMs`, the table's minimum count still holds; with neither, the table's properties
 * (Iceberg's defaults: 5 days, keep 1).
 */
export function resolveExpiryPolicy(metadata: TableMetadata, policy: ExpiryPolicy, nowMs: number): ResolvedPolicy {
  const properties = metadata.properties ?? {};
  if (policy.retainLast !== undefined && (!Number.isInteger(policy.retainLast) || policy.retainLast < 1)) {
    throw new ConfigurationError(`retainLast=${policy.retainLast} is invalid: keep at least 1 snapshot`);
  }
  const minKeep = Math.max(1, nonNegativeInt(properties[MIN_SNAPSHOTS_TO_KEEP_PROPERTY], MIN_SNAPSHOTS_TO_KEEP_PROPERTY, DEFAULT_MIN_SNAPSHOTS_TO_KEEP));
  const maxAge = nonNegativeInt(properties[MAX_SNAPSHOT_AGE_PROPERTY], MAX_SNAPSHOT_AGE_PROPERTY, DEFAULT_MAX_SNAPSHOT_AGE_MS);
  if (policy.olderThanMs === undefined && policy.retainLast === undefined) return { cutoffMs: nowMs - maxAge, retainLast: minKeep };
  return {
    cutoffMs: policy.olderThanMs ?? Number.POSITIVE_INFINITY,
    retainLast: policy.retainLast ?? minKeep,
  };
}

/**
 * Decides which snapshots to expire. A snapshot is kept when any of these holds:
 *  - a ref (branch or tag) points at it — the current snapshot included;
 *  - it is among the newest `retainLast` ancestors of a branch (a ref's own `min-snapshots-to-keep`
 *    wins), or an ancestor of a branch committed at or after the cutoff (or the ref's own
 *    `max-snapshot-age-ms`);
 *  - exactly-once needs it (`snapshotsToRetain`: each writer id's newest snapshot and newest
 *    checkpoint, and the `main` chain down to them, so recovery and fencing still find them);
 *  - it is on no branch and younger than the cutoff.
 */
export function planSnapshotExpiry(metadata: TableMetadata, policy: ExpiryPolicy, nowMs: number): ExpiryPlan {
  const { cutoffMs, retainLast } = resolveExpiryPolicy(metadata, policy, nowMs);
  const snapshots = metadata.snapshots ?? [];
  const byId = new Map(snapshots.map((s) => [s['snapshot-id'], s]));
  const keep = snapshotsToRetain(metadata);
  const onBranch = new Set<SnapshotId>();
  for (const ref of Object.values(metadata.refs ?? {})) {
    keep.add(ref['snapshot-id']);
    if (ref.type !== 'branch') continue;
    const refKeep = ref['min-snapshots-to-keep'] ?? retainLast;
    const refCutoff = ref['max-snapshot-age-ms'] !== undefined ? nowMs - ref['max-snapshot-age-ms'] : cutoffMs;
    let id: SnapshotId | undefined = ref['snapshot-id'];
    for (let depth = 0; id !== undefined && !onBranch.has(id); depth++) {
      const snapshot = byId.get(id);
      if (!snapshot) break;
      onBranch.add(id);
      if (depth < refKeep || snapshot['timestamp-ms'] >= refCutoff) keep.add(id);
      id = snapshot['parent-snapshot-id'];
    }
  }
  const current = metadata['current-snapshot-id'];
  if (current !== undefined && current !== null && current !== -1) keep.add(current);
  const expire: Snapshot[] = [];
  const retain: Snapshot[] = [];
  for (const snapshot of snapshots) {
    const id = snapshot['snapshot-id'];
    const expired = !keep.has(id) && (onBranch.has(id) || snapshot['timestamp-ms'] < cutoffMs);
    (expired ? expire : retain).push(snapshot);
  }
  expire.sort((a, b) => a['timestamp-ms'] - b['timestamp-ms']);
  return { expire, retain };
}
