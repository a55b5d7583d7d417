import { MAIN_BRANCH, type Snapshot, type TableMetadata } from '../spec/types';
import type { AppendCommit } from './append';
import type { CommitRequest, PendingCommit } from './commit-loop';

/** `base` as it looks once `snapshot` is added and `main` points at it (what the next append builds on). */
export function withMainSnapshot(base: TableMetadata, snapshot: Snapshot): TableMetadata {
  return {
    ...base,
    snapshots: [...(base.snapshots ?? []), snapshot],
    refs: { ...base.refs, [MAIN_BRANCH]: { 'snapshot-id': snapshot['snapshot-id'], type: 'branch' } },
    'current-snapshot-id': snapshot['snapshot-id'],
    'last-sequence-number': snapshot['sequence-number'],
    'last-updated-ms': snapshot['timestamp-ms'],
  };
}

function addedSnapshot(request: CommitRequest): Snapshot {
  for (const update of request.updates) {
    if (update.action === 'add-snapshot') return update.snapshot as unknown as Snapshot;
  }
  throw new Error('an append request without add-snapshot');
}

/**
 * Several appends in one catalog commit, each still its own snapshot (own files, own summary and
 * checkpoint), chained in order: the second is built on the metadata as the first leaves it, and
 * so on — what an Iceberg transaction with several appends sends. Only the first append's
 * requirements go out (`main` still at its parent); the request is atomic, so the appends land
 * together or not at all.
 */
export class AppendGroup implements PendingCommit {
  constructor(readonly appends: AppendCommit[]) {}

  landedIn(metadata: TableMetadata): boolean {
    return this.appends.every((append) => append.landedIn(metadata));
  }

  async build(base: TableMetadata, attempt: number): Promise<CommitRequest> {
    let current = base;
    let requirements: CommitRequest['requirements'] | undefined;
    const updates: CommitRequest['updates'] = [];
    for (const append of this.appends) {
      const request = await append.build(current, attempt);
      requirements ??= request.requirements;
      updates.push(...request.updates);
      current = withMainSnapshot(current, addedSnapshot(request));
    }
    return { requirements: requirements ?? [], updates };
  }
}
