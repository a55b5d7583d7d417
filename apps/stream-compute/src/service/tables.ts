import { CommitConflictError, currentSchema, loadOrCreateTableWithIds, type NestedField, type PartitionField, type RestCatalog, type TableIdentifier } from '@retail/iceberg';
import { compareTableWithContract, formatCompatibilityReport, icebergPartitionSpecOf, icebergSchemaOf, type RecordType } from '@retail/schema';
import { StreamComputeServiceError } from './errors';

/** The record's own table, in a prefixed namespace when configured (tests, staging). */
export function tableIdentifierOf(record: Pick<RecordType, 'table'>, namespacePrefix: string): TableIdentifier {
  return { namespace: [`${namespacePrefix}${record.table.namespace}`], name: record.table.name };
}

export function qualifiedName(identifier: TableIdentifier): string {
  return `${identifier.namespace.join('.')}.${identifier.name}`;
}

const METRICS_PROPERTY_PREFIX = 'write.metadata.metrics.';
const BOUNDED = 'truncate(16)';

/**
 * Iceberg column metrics settings per output table (`namespace.name`). silver.detections has a row per detection:
 * column bounds are kept only where queries filter (time, store, camera, item, track, detection id),
 * the other columns get counts. Bounds for every column cost ~0.5 µs per row of the service's main
 * thread (Iceberg's `write.metadata.metrics.*`, honoured by @retail/iceberg's writer).
 */
export const OUTPUT_METRICS_SETTINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'silver.detections': {
    [`${METRICS_PROPERTY_PREFIX}default`]: 'counts',
    ...Object.fromEntries(['frame_ts', 'store_id', 'camera_id', 'item_name', 'track_id', 'detection_id'].map((column) => [`${METRICS_PROPERTY_PREFIX}column.${column}`, BOUNDED])),
  },
};

/**
 * Creates the record's table if needed (with the contract's field ids) and checks it against the
 * contract: Parquet columns are matched by id, so a diverged table would put values in wrong
 * columns. Then adds `metricsSettings` unless the table has metrics settings
 * of its own (an operator's choice wins). Not at creation: the table is created without columns
 * first (to keep the contract's ids), and the catalog refuses metrics settings naming columns a
 * schema lacks.
 */
export async function ensureVerifiedTable(catalog: RestCatalog, record: RecordType, identifier: TableIdentifier, metricsSettings: Readonly<Record<string, string>> = {}): Promise<void> {
  await catalog.ensureNamespace(identifier.namespace);
  let table = await loadOrCreateTableWithIds(catalog, identifier, {
    fields: icebergSchemaOf(record).fields as NestedField[],
    partitionFields: icebergPartitionSpecOf(record).fields as PartitionField[],
  });
  const existing = Object.keys(table.metadata.properties ?? {});
  if (Object.keys(metricsSettings).length > 0 && !existing.some((key) => key.startsWith(METRICS_PROPERTY_PREFIX))) {
    try {
      table = await catalog.commitTable(identifier, [{ type: 'assert-table-uuid', uuid: table.metadata['table-uuid'] }], [{ action: 'set-properties', updates: { ...metricsSettings } }]);
    } catch (error) {
      // Another instance starting at the same time changed the table first (most likely the same settings).
      if (!(error instanceof CommitConflictError)) throw error;
      table = await catalog.loadTable(identifier);
    }
  }
  const report = compareTableWithContract(record, currentSchema(table.metadata) as never);
  if (!report.compatible || report.changes.length > 0) {
    const detail = report.compatible ? `the table lacks contract fields:\n  ${report.changes.join('\n  ')}` : formatCompatibilityReport(report);
    throw new StreamComputeServiceError(
      'TABLE_MISMATCH',
      `table ${qualifiedName(identifier)} does not match the ${record.name} v${record.version} contract (${detail}); evolve or recreate the table before starting stream-compute`,
    );
  }
}
