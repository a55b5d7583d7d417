import type { IcebergType, NestedField, NewColumn } from '@retail/iceberg';

export interface ContractEvolution {
  /** Optional contract fields the table lacks, with the contract's ids (nested types included). */
  additions: NewColumn[];
  /** Dotted paths of the added fields (`bbox.w`), as contract comparisons name them. */
  addedPaths: string[];
  /** Contract fields the writer cannot add, each with the reason and the fix. */
  refused: string[];
}

const isStruct = (type: IcebergType): type is Extract<IcebergType, { type: 'struct' }> => typeof type !== 'string' && type.type === 'struct';

/**
 * What the table needs so that it holds every field of the contract: fields are matched by id
 * (Parquet columns are), so a contract field whose id the table lacks is new. Optional new fields
 * are added — at the top level or inside an existing struct — with the contract's ids; a new
 * required field cannot be (rows already written have no value for it). Differences in the fields
 * both have (names, types) are left to the contract comparison that follows.
 */
export function planContractEvolution(contractFields: NestedField[], tableFields: NestedField[], table: string): ContractEvolution {
  const additions: NewColumn[] = [];
  const addedPaths: string[] = [];
  const refused: string[] = [];
  const visit = (contract: NestedField[], existing: NestedField[], path: string, parentId: number | undefined): void => {
    for (const field of contract) {
      const match = existing.find((f) => f.id === field.id);
      const name = `${path}${field.name}`;
      if (match) {
        if (isStruct(field.type) && isStruct(match.type)) visit(field.type.fields, match.type.fields, `${name}.`, field.id);
        continue;
      }
      if (field.required) {
        refused.push(
          `${table}.${name} (field id ${field.id}) is required in the contract and missing from the table: rows already written have no value for it; make it optional in a new contract version, or recreate the table`,
        );
        continue;
      }
      addedPaths.push(name);
      additions.push({ id: field.id, name: field.name, type: field.type, ...(field.doc ? { doc: field.doc } : {}), ...(parentId !== undefined ? { parentId } : {}) });
    }
  };
  visit(contractFields, tableFields, '', undefined);
  return { additions, addedPaths, refused };
}
