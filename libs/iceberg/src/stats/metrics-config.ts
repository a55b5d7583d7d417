import { ConfigurationError } from '../errors';
import { isPrimitive } from '../spec/schema';
import type { IcebergType, Schema, SortOrder, TableMetadata } from '../spec/types';

/**
 * Which column metrics a data file records (Iceberg "metrics modes"): `none` records nothing,
 * `counts` the value/null/NaN counts, `truncate` counts and bounds with string/binary bounds cut to
 * `length` characters/bytes, `full` counts and exact bounds.
 */
export type MetricsMode = { kind: 'none' } | { kind: 'counts' } | { kind: 'truncate'; length: number } | { kind: 'full' };

export const METRICS_DEFAULT_PROPERTY = 'write.metadata.metrics.default';
export const METRICS_COLUMN_PROPERTY_PREFIX = 'write.metadata.metrics.column.';
export const METRICS_MAX_INFERRED_PROPERTY = 'write.metadata.metrics.max-inferred-column-defaults';

/** Iceberg's default mode, and what sort-key columns are promoted to under `none`/`counts`. */
export const DEFAULT_METRICS_MODE: MetricsMode = { kind: 'truncate', length: 16 };
/** Without an explicit default, only this many top-level columns get metrics (Iceberg's default). */
export const DEFAULT_MAX_INFERRED_COLUMNS = 100;

const ACCEPTED_MODES = '`none`, `counts`, `truncate(N)` with N ≥ 1, or `full`';

/** Resolved metrics modes of one schema: a mode per field id, the default for the rest. */
export class MetricsConfig {
  constructor(
    readonly defaultMode: MetricsMode,
    private readonly byFieldId: ReadonlyMap<number, MetricsMode> = new Map(),
  ) {}

  modeOf(fieldId: number): MetricsMode {
    return this.byFieldId.get(fieldId) ?? this.defaultMode;
  }
}

/** What a table without metrics properties records: `truncate(16)` for every column. */
export const DEFAULT_METRICS_CONFIG = new MetricsConfig(DEFAULT_METRICS_MODE);

/** Parses a mode as Iceberg does (case-insensitive); anything else is refused naming `property`. */
export function parseMetricsMode(raw: string, property: string): MetricsMode {
  const text = raw.trim().toLowerCase();
  if (text === 'none' || text === 'counts' || text === 'full') return { kind: text };
  const truncate = /^truncate\((\d+)\)$/.exec(text);
  const length = truncate ? Number(truncate[1]) : 0;
  if (Number.isSafeInteger(length) && length > 0) return { kind: 'truncate', length };
  throw new ConfigurationError(`table property ${property}=${raw} is invalid: set it to ${ACCEPTED_MODES}`);
}

function maxInferredColumns(properties: Record<string, string>): number {
  const raw = properties[METRICS_MAX_INFERRED_PROPERTY];
  if (raw === undefined) return DEFAULT_MAX_INFERRED_COLUMNS;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(`table property ${METRICS_MAX_INFERRED_PROPERTY}=${raw} is invalid: set it to a non-negative integer`);
  }
  return value;
}

/**
 * Every field id of a schema by its full column name, as Iceberg spells it in
 * `write.metadata.metrics.column.<name>`: struct fields joined with dots, list elements as
 * `<list>.element`, map keys and values as `<map>.key` / `<map>.value`.
 */
export function fieldIdsByColumnName(schema: Schema): Map<string, number> {
  const ids = new Map<string, number>();
  const visit = (name: string, id: number, type: IcebergType): void => {
    ids.set(name, id);
    if (isPrimitive(type)) return;
    if (type.type === 'struct') for (const field of type.fields) visit(`${name}.${field.name}`, field.id, field.type);
    else if (type.type === 'list') visit(`${name}.element`, type['element-id'], type.element);
    else {
      visit(`${name}.key`, type['key-id'], type.key);
      visit(`${name}.value`, type['value-id'], type.value);
    }
  };
  for (const field of schema.fields) visit(field.name, field.id, field.type);
  return ids;
}

/** Field ids of `type` and everything nested in it. */
function nestedIds(id: number, type: IcebergType, into: number[]): number[] {
  into.push(id);
  if (isPrimitive(type)) return into;
  if (type.type === 'struct') for (const field of type.fields) nestedIds(field.id, field.type, into);
  else if (type.type === 'list') nestedIds(type['element-id'], type.element, into);
  else {
    nestedIds(type['key-id'], type.key, into);
    nestedIds(type['value-id'], type.value, into);
  }
  return into;
}

const ORDER_PRESERVING_TRANSFORM = /^(identity|year|month|day|hour|truncate\[\d+\])$/;

/** Sort keys whose transform keeps the column's order (so bounds of the source still prune). */
function orderPreservingSortColumns(order: SortOrder | undefined): number[] {
  if (!order) return [];
  return order.fields.filter((field) => ORDER_PRESERVING_TRANSFORM.test(field.transform)).map((field) => field['source-id']);
}

/**
 * Resolves the table's metrics properties against `schema`, with Iceberg's precedence (Java
 * `MetricsConfig`): the default is `write.metadata.metrics.default` if set; otherwise `truncate(16)`,
 * except that a schema with more top-level columns than `max-inferred-column-defaults` gets it
 * only for the first that many (with everything nested in them) and `none` for the rest. Sort-key
 * columns get at least `truncate(16)` when the default records no bounds. A per-column property
 * wins over all of that; one naming no column of the schema has nothing to apply to and is
 * ignored (Iceberg refuses it when the property is set). Invalid values are refused.
 */
export function metricsConfigFromProperties(properties: Record<string, string> = {}, schema: Schema, sortOrder?: SortOrder): MetricsConfig {
  const byFieldId = new Map<number, MetricsMode>();
  const maxInferred = maxInferredColumns(properties);
  const configuredDefault = properties[METRICS_DEFAULT_PROPERTY];
  let defaultMode = DEFAULT_METRICS_MODE;
  if (configuredDefault !== undefined) {
    defaultMode = parseMetricsMode(configuredDefault, METRICS_DEFAULT_PROPERTY);
  } else if (schema.fields.length > maxInferred) {
    for (const field of schema.fields.slice(0, maxInferred)) {
      for (const id of nestedIds(field.id, field.type, [])) byFieldId.set(id, DEFAULT_METRICS_MODE);
    }
    defaultMode = { kind: 'none' };
  }
  const withoutBounds = defaultMode.kind === 'none' || defaultMode.kind === 'counts';
  for (const id of orderPreservingSortColumns(sortOrder)) byFieldId.set(id, withoutBounds ? DEFAULT_METRICS_MODE : defaultMode);

  const ids = fieldIdsByColumnName(schema);
  for (const [key, raw] of Object.entries(properties)) {
    if (!key.startsWith(METRICS_COLUMN_PROPERTY_PREFIX)) continue;
    const mode = parseMetricsMode(raw, key);
    const id = ids.get(key.slice(METRICS_COLUMN_PROPERTY_PREFIX.length));
    if (id !== undefined) byFieldId.set(id, mode);
  }
  return new MetricsConfig(defaultMode, byFieldId);
}

/** The metrics configuration of a table's current state: its properties, `schema`, default sort order. */
export function metricsConfigForTable(metadata: TableMetadata, schema: Schema): MetricsConfig {
  const sortOrder = metadata['sort-orders']?.find((order) => order['order-id'] === metadata['default-sort-order-id']);
  return metricsConfigFromProperties(metadata.properties, schema, sortOrder);
}
