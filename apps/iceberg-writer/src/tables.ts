import { addColumns, currentSchema, loadOrCreateTableWithIds, ValidationError, type NestedField, type PartitionField, type RestCatalog, type TableIdentifier } from '@retail/iceberg';
import { compareTableWithContract, formatCompatibilityReport, icebergPartitionSpecOf, icebergSchemaOf, type RecordType } from '@retail/schema';
import { IcebergWriterError } from './errors';
import { planContractEvolution } from './table-evolution';

/** The table a record type lands in: its contract's table, in a prefixed namespace when configured. */
export function tableIdentifierOf(record: RecordType, namespacePrefix: string, override?: string): TableIdentifier {
  if (override !== undefined) {
    const [namespace, name] = override.split('.') as [string, string];
    return { namespace: [`${namespacePrefix}${namespace}`], name };
  }
  return { namespace: [`${namespacePrefix}${record.table.namespace}`], name: record.table.name };
}

export function tableKey(identifier: TableIdentifier): string {
  return `${identifier.namespace.join('.')}.${identifier.name}`;
}

/**
 * Creates the record's table if needed (keeping the contract's field ids), adds the optional
 * fields a newer contract has and the table lacks (with the contract's ids), then checks that the
 * table's current schema matches the contract: Parquet columns are matched by field id, so a
 * renumbered or diverged table would silently put values in the wrong columns. Anything that
 * cannot be applied automatically stops the writer, naming the table, the field and the fix.
 */
export async function ensureVerifiedTable(catalog: RestCatalog, record: RecordType, identifier: TableIdentifier): Promise<{ addedFields: number[] }> {
  await catalog.ensureNamespace(identifier.namespace);
  const contractFields = icebergSchemaOf(record).fields as NestedField[];
  let table = await loadOrCreateTableWithIds(catalog, identifier, {
    fields: contractFields,
    partitionFields: icebergPartitionSpecOf(record).fields as PartitionField[],
  });
  const contract = `the ${record.name} v${record.version} contract`;
  const plan = planContractEvolution(contractFields, currentSchema(table.metadata).fields, tableKey(identifier));
  // Incompatible differences first: adding columns to a table that diverged would not help. The
  // contract rule "a new field's id is above every released id" exists because a contract's
  // history may be incomplete; the table's own schemas are complete, and AddColumnsCommit refuses
  // any id one of them ever used, so that rule is left to it for the fields being added.
  const added = new Set(plan.addedPaths);
  const before = compareTableWithContract(record, currentSchema(table.metadata) as never);
  const problems = before.problems.filter((p) => !(p.kind === 'reused-field-id' && p.path !== undefined && added.has(p.path)));
  if (problems.length > 0) throw mismatch(identifier, contract, formatCompatibilityReport({ ...before, compatible: false, problems }));
  if (plan.refused.length > 0) throw mismatch(identifier, contract, plan.refused.join('; '));
  if (plan.additions.length > 0) {
    try {
      table = await addColumns(catalog, identifier, plan.additions);
    } catch (error) {
      if (error instanceof ValidationError) throw mismatch(identifier, contract, error.message, error);
      throw error;
    }
  }
  const report = compareTableWithContract(record, currentSchema(table.metadata) as never);
  if (!report.compatible || report.changes.length > 0) {
    const detail = report.compatible ? `changes the writer does not apply:\n  ${report.changes.join('\n  ')}` : formatCompatibilityReport(report);
    throw mismatch(identifier, contract, detail);
  }
  return { addedFields: plan.additions.map((column) => column.id!) };
}

function mismatch(identifier: TableIdentifier, contract: string, detail: string, cause?: unknown): IcebergWriterError {
  return new IcebergWriterError(
    'TABLE_MISMATCH',
    `table ${tableKey(identifier)} does not match ${contract} (${detail}); evolve the table by hand (e.g. ALTER TABLE in Trino, keeping the contract's field ids) or recreate it, then start the writer again`,
    { cause },
  );
}
