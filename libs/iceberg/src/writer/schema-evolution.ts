import type { LoadedTable, TableIdentifier } from '../catalog/rest/client';
import { AddColumnsCommit, type NewColumn } from '../transaction/add-columns';
import { commitWithRetries, type CommitCatalog, type CommitLoopOptions } from '../transaction/commit-loop';

/**
 * Adds optional columns (`add-schema` + `set-current-schema`), retrying on conflicts: top-level or
 * inside a struct (`parentId`), with fresh ids or the caller's (`id`, e.g. a data contract's; nested
 * types then carry their ids). Idempotent: columns that already exist with the same id and type are
 * left alone. Refresh open
 * TableWriters with the returned table (after their next commit) to start writing the columns.
 */
export async function addColumns(
  catalog: CommitCatalog,
  identifier: TableIdentifier,
  columns: NewColumn[],
  options: CommitLoopOptions = {},
): Promise<LoadedTable> {
  const outcome = await commitWithRetries(catalog, identifier, new AddColumnsCommit(columns), options);
  return outcome.table;
}
