import { ValidationError } from '../errors';
import { currentSchema, highestFieldId, isPrimitive } from '../spec/schema';
import type { IcebergType, NestedField, Schema, TableMetadata } from '../spec/types';
import type { CommitRequest, PendingCommit } from './commit-loop';

export interface NewColumn {
  name: string;
  type: IcebergType;
  doc?: string;
  /**
   * The field id to keep, e.g. a data contract's (Parquet files written from the contract carry
   * it). Nested types then carry their own ids too. Without it the column gets the next free id
   * and must be primitive.
   */
  id?: number;
  /** Id of the struct field the column goes into (added in the same call or existing); top level when absent. */
  parentId?: number;
}

/** Every field id a type or field list uses, nested ones included. */
function collectIds(fields: NestedField[], into: Map<number, string>, prefix = ''): void {
  const visitType = (type: IcebergType, path: string): void => {
    if (isPrimitive(type)) return;
    if (type.type === 'struct') collectIds(type.fields, into, `${path}.`);
    else if (type.type === 'list') {
      into.set(type['element-id'], `${path}.element`);
      visitType(type.element, `${path}.element`);
    } else {
      into.set(type['key-id'], `${path}.key`);
      into.set(type['value-id'], `${path}.value`);
      visitType(type.key, `${path}.key`);
      visitType(type.value, `${path}.value`);
    }
  };
  for (const field of fields) {
    into.set(field.id, `${prefix}${field.name}`);
    visitType(field.type, `${prefix}${field.name}`);
  }
}

function findStructField(fields: NestedField[], id: number): NestedField | undefined {
  for (const field of fields) {
    if (field.id === id) return field;
    if (!isPrimitive(field.type) && field.type.type === 'struct') {
      const found = findStructField(field.type.fields, id);
      if (found) return found;
    }
  }
  return undefined;
}

/** The field list a column goes into, in `fields` (which may be a working copy). */
function containerOf(fields: NestedField[], column: NewColumn): NestedField[] | undefined {
  if (column.parentId === undefined) return fields;
  const parent = findStructField(fields, column.parentId);
  if (!parent) return undefined;
  if (isPrimitive(parent.type) || parent.type.type !== 'struct') {
    throw new ValidationError(`column ${column.name}: parent field ${column.parentId} (${parent.name}) is not a struct`);
  }
  return parent.type.fields;
}

const describe = (column: NewColumn) => `${column.parentId !== undefined ? `field ${column.parentId}.` : ''}${column.name}`;

/**
 * Schema evolution limited to what streaming writers need: add optional columns, at the top level
 * or inside structs, with the caller's field ids (a contract's) or fresh ones. Re-applied on
 * conflict against the latest schema; columns that already exist with the same id and type are
 * skipped, so the operation is idempotent. A field id any schema of the table ever used for
 * something else is refused: old data files carry it, and their values would reappear.
 */
export class AddColumnsCommit implements PendingCommit {
  constructor(private readonly columns: NewColumn[]) {
    if (columns.length === 0) throw new ValidationError('add columns: nothing to add');
  }

  /** Landed when every column exists in the current schema. */
  landedIn(metadata: TableMetadata): boolean {
    return this.missing(currentSchema(metadata)).length === 0;
  }

  private missing(schema: Schema): NewColumn[] {
    const working = structuredClone(schema.fields);
    const missing: NewColumn[] = [];
    for (const column of this.columns) {
      const container = containerOf(working, column);
      const existing = container?.find((f) => f.name === column.name);
      if (!existing) {
        missing.push(column);
        // Later columns may go inside this one: make it findable as a parent.
        if (container && column.id !== undefined) container.push({ id: column.id, name: column.name, required: false, type: column.type });
        continue;
      }
      if (column.id !== undefined && existing.id !== column.id) {
        throw new ValidationError(`column ${describe(column)} already exists with field id ${existing.id}, not ${column.id}`);
      }
      if (JSON.stringify(existing.type) !== JSON.stringify(column.type)) {
        throw new ValidationError(`column ${describe(column)} already exists with type ${JSON.stringify(existing.type)}`);
      }
    }
    return missing;
  }

  async build(base: TableMetadata): Promise<CommitRequest> {
    const schema = currentSchema(base);
    const toAdd = this.missing(schema);
    const used = new Map<number, string>();
    for (const s of base.schemas) collectIds(s.fields, used);
    const fields = structuredClone(schema.fields);
    let nextId = Math.max(base['last-column-id'], highestFieldId(schema.fields));
    for (const column of toAdd) {
      let field: NestedField;
      if (column.id === undefined) {
        if (!isPrimitive(column.type)) throw new ValidationError(`column ${column.name}: give the field ids of a nested column (id and the ids inside its type)`);
        field = { id: ++nextId, name: column.name, required: false, type: column.type };
      } else {
        field = { id: column.id, name: column.name, required: false, type: structuredClone(column.type) };
        const ids = new Map<number, string>();
        collectIds([field], ids);
        for (const [id, path] of ids) {
          const previous = used.get(id);
          if (previous !== undefined) throw new ValidationError(`column ${describe(column)}: field id ${id} (${path}) is already used by ${previous}`);
          used.set(id, path);
        }
      }
      if (column.doc) field.doc = column.doc;
      const container = containerOf(fields, column);
      if (!container) throw new ValidationError(`column ${column.name}: the table has no struct field ${column.parentId} to add it to`);
      container.push(field);
    }
    const newSchemaId = Math.max(...base.schemas.map((s) => s['schema-id'])) + 1;
    const newSchema: Schema = { ...schema, 'schema-id': newSchemaId, fields };
    return {
      requirements: [
        { type: 'assert-table-uuid', uuid: base['table-uuid'] },
        { type: 'assert-current-schema-id', 'current-schema-id': base['current-schema-id'] },
        { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': base['last-column-id'] },
      ],
      updates: [
        // The catalog raises last-column-id to the schema's highest id (nested ones included).
        { action: 'add-schema', schema: newSchema as never },
        { action: 'set-current-schema', 'schema-id': -1 },
      ],
    };
  }
}
