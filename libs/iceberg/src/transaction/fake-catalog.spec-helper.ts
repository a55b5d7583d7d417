import type { LoadedTable, TableIdentifier, TableRequirement, TableUpdate } from '../catalog/rest/client';
import { CommitConflictError, CommitStateUnknownError, ServiceUnavailableError } from '../errors';
import type { Schema, Snapshot, TableMetadata } from '../spec/types';
import { writeManifestList } from '../avro/manifest-list';
import { MemoryFileIO } from '../io/memory-file-io';
import type { CommitCatalog } from './commit-loop';

export type InjectedFault =
  | 'unknown-but-landed' // applies the commit, then reports an unknown outcome (e.g. response lost)
  | 'unknown-not-landed' // drops the commit and reports an unknown outcome (e.g. 503 before applying)
  | 'unavailable-load'; // the next loadTable fails with 503

/** In-memory catalog that checks requirements and applies updates like a REST catalog would. */
export class FakeCatalog implements CommitCatalog {
  metadata: TableMetadata;
  faults: InjectedFault[] = [];
  commits = 0;
  loads = 0;
  /** Storage shared with the code under test (foreign snapshots write their manifest lists here). */
  readonly io = new MemoryFileIO();

  constructor(schema: Schema, properties: Record<string, string> = {}) {
    this.metadata = {
      'format-version': 2,
      'table-uuid': 'a2b9a8b2-0000-4000-8000-000000000001',
      location: 'mem://warehouse/db/t',
      'last-sequence-number': 0,
      'last-updated-ms': 1,
      'last-column-id': Math.max(...schema.fields.map((f) => f.id)),
      'current-schema-id': schema['schema-id'],
      schemas: [schema],
      'default-spec-id': 0,
      'partition-specs': [{ 'spec-id': 0, fields: [] }],
      'last-partition-id': 999,
      properties,
      'current-snapshot-id': -1,
      snapshots: [],
      refs: {},
    };
  }

  async loadTable(identifier: TableIdentifier): Promise<LoadedTable> {
    this.loads++;
    if (this.faults[0] === 'unavailable-load') {
      this.faults.shift();
      throw new ServiceUnavailableError('injected 503 on load');
    }
    return { identifier, metadataLocation: undefined, metadata: structuredClone(this.metadata), config: {} };
  }

  async commitTable(identifier: TableIdentifier, requirements: TableRequirement[], updates: TableUpdate[]): Promise<LoadedTable> {
    this.commits++;
    const fault = this.faults[0] === 'unknown-but-landed' || this.faults[0] === 'unknown-not-landed' ? this.faults.shift() : undefined;
    if (fault === 'unknown-not-landed') throw new CommitStateUnknownError('injected 503 on commit');
    for (const requirement of requirements) this.check(requirement);
    for (const update of updates) this.apply(update);
    if (fault === 'unknown-but-landed') throw new CommitStateUnknownError('injected timeout after commit');
    return { identifier, metadataLocation: undefined, metadata: structuredClone(this.metadata), config: {} };
  }

  /** Another writer's commit: a snapshot with the given summary on top of main. */
  commitForeignSnapshot(summary: Record<string, string>): Snapshot {
    const parent = this.metadata.refs?.main?.['snapshot-id'];
    const sequenceNumber = (this.metadata['last-sequence-number'] ?? 0) + 1;
    const snapshot: Snapshot = {
      'snapshot-id': 900_000 + sequenceNumber,
      'sequence-number': sequenceNumber,
      'timestamp-ms': 1000 + sequenceNumber,
      'manifest-list': `mem://warehouse/db/t/metadata/foreign-${sequenceNumber}.avro`,
      summary: { operation: 'append', ...summary },
    };
    void this.io.write(
      snapshot['manifest-list'],
      writeManifestList({ snapshotId: snapshot['snapshot-id'], parentSnapshotId: parent ?? null, sequenceNumber, manifests: [] }),
    );
    if (parent !== undefined) snapshot['parent-snapshot-id'] = parent;
    this.apply({ action: 'add-snapshot', snapshot } as TableUpdate);
    this.apply({ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshot['snapshot-id'] as number });
    return snapshot;
  }

  private check(requirement: TableRequirement): void {
    const m = this.metadata;
    const fail = (what: string): never => {
      throw new CommitConflictError(`requirement failed: ${what}`);
    };
    switch (requirement.type) {
      case 'assert-table-uuid':
        if (requirement.uuid !== m['table-uuid']) fail('table uuid');
        break;
      case 'assert-ref-snapshot-id': {
        const current = m.refs?.[requirement.ref]?.['snapshot-id'] ?? null;
        if (current !== requirement['snapshot-id']) fail(`ref ${requirement.ref}`);
        break;
      }
      case 'assert-current-schema-id':
        if (requirement['current-schema-id'] !== m['current-schema-id']) fail('current schema id');
        break;
      case 'assert-last-assigned-field-id':
        if (requirement['last-assigned-field-id'] !== m['last-column-id']) fail('last assigned field id');
        break;
      default:
        throw new Error(`fake catalog does not support ${requirement.type}`);
    }
  }

  private apply(update: TableUpdate): void {
    const m = this.metadata;
    switch (update.action) {
      case 'add-snapshot': {
        const snapshot = update.snapshot as unknown as Snapshot;
        m.snapshots = [...(m.snapshots ?? []), snapshot];
        m['last-sequence-number'] = snapshot['sequence-number'];
        m['last-updated-ms'] = snapshot['timestamp-ms'];
        break;
      }
      case 'set-snapshot-ref':
        m.refs = { ...m.refs, [update['ref-name']]: { 'snapshot-id': update['snapshot-id'], type: update.type } };
        if (update['ref-name'] === 'main') m['current-snapshot-id'] = update['snapshot-id'];
        break;
      case 'remove-snapshots': {
        const ids = new Set<unknown>(update['snapshot-ids']);
        m.snapshots = (m.snapshots ?? []).filter((s) => !ids.has(s['snapshot-id']));
        break;
      }
      case 'add-schema': {
        const schema = update.schema as unknown as Schema;
        m.schemas = [...m.schemas, schema];
        m['last-column-id'] = Math.max(m['last-column-id'], ...schema.fields.map((f) => f.id));
        break;
      }
      case 'set-properties':
        m.properties = { ...m.properties, ...update.updates };
        break;
      case 'set-current-schema':
        m['current-schema-id'] = update['schema-id'] === -1 ? m.schemas.at(-1)!['schema-id'] : update['schema-id'];
        break;
      default:
        throw new Error(`fake catalog does not support ${update.action}`);
    }
  }
}
