import { randomBytes } from 'node:crypto';
import * as arrow from 'apache-arrow';
// Tests only: the stack's address book and Trino helper (a lib may not depend on a tool at runtime).
import { stackEndpoints } from '@retail/stack';
import { FileIOResolver, RestCatalog, type TableIdentifier } from '../../src';

export const endpoints = stackEndpoints();

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export function connectCatalog(): Promise<RestCatalog> {
  return RestCatalog.connect({ uri: endpoints.catalogUrl });
}

export function stackFileIO(): FileIOResolver {
  return new FileIOResolver({
    s3: {
      endpoint: endpoints.s3Endpoint,
      region: endpoints.s3Region,
      accessKeyId: endpoints.s3AccessKeyId,
      secretAccessKey: endpoints.s3SecretAccessKey,
      forcePathStyle: true,
    },
  });
}

export { trinoRows } from '@retail/stack';

export const fqn = (id: TableIdentifier): string => `iceberg."${id.namespace.join('.')}"."${id.name}"`;

/** Best-effort cleanup: drop tables (with purge) then the namespace. */
export async function dropNamespace(catalog: RestCatalog, namespace: string[]): Promise<void> {
  for (const table of await catalog.listTables(namespace).catch(() => [])) {
    await catalog.dropTable(table, { purge: true }).catch(() => undefined);
  }
  await catalog.dropNamespace(namespace).catch(() => undefined);
}

export interface TestNamespace {
  readonly namespace: string[];
  /** Ready inside tests and hooks registered after `useTestNamespace`. */
  readonly catalog: RestCatalog;
  readonly io: FileIOResolver;
}

/**
 * The set-up every suite here shares, registered as beforeAll/afterAll of the calling describe:
 * a catalog client, the stack's FileIO and a fresh uniquely named namespace, dropped with its
 * tables (purged) afterwards.
 */
export function useTestNamespace(prefix: string, properties: Record<string, string> = {}): TestNamespace {
  const namespace = [uniqueName(prefix)];
  let catalog: RestCatalog | undefined;
  let io: FileIOResolver | undefined;
  beforeAll(async () => {
    catalog = await connectCatalog();
    io = stackFileIO();
    await catalog.createNamespace(namespace, properties);
  });
  afterAll(async () => {
    if (catalog) await dropNamespace(catalog, namespace);
    io?.close();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useTestNamespace: the ${what} is ready only inside tests and later hooks`);
    return value;
  };
  return {
    namespace,
    get catalog() {
      return ready(catalog, 'catalog');
    },
    get io() {
      return ready(io, 'FileIO');
    },
  };
}

export interface EventRow {
  storeId: string;
  cameraId: number;
  tsMicros: bigint;
  count: number | null;
}

/** An Arrow batch shaped like the `events` tables of these tests. */
export function eventBatch(rows: EventRow[]): arrow.RecordBatch {
  const ts = arrow.makeData({
    type: new arrow.TimestampMicrosecond('UTC'),
    length: rows.length,
    nullCount: 0,
    data: BigInt64Array.from(rows.map((r) => r.tsMicros)),
  });
  return new arrow.Table({
    store_id: arrow.vectorFromArray(rows.map((r) => r.storeId), new arrow.Utf8()),
    camera_id: arrow.vectorFromArray(rows.map((r) => r.cameraId), new arrow.Int32()),
    ts: arrow.makeVector(ts),
    count: arrow.vectorFromArray(rows.map((r) => (r.count === null ? null : BigInt(r.count))), new arrow.Int64()),
  }).batches[0]!;
}

/** Trino's text form of a timestamp(6) with time zone in UTC: `2024-05-01 12:00:00.000001 UTC`. */
export function trinoTimestamp(micros: bigint): string {
  const ms = Number(micros / 1000n);
  const iso = new Date(ms).toISOString();
  const fraction = String(micros % 1_000_000n).padStart(6, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction} UTC`;
}

export const EVENTS_SCHEMA = {
  type: 'struct' as const,
  fields: [
    { id: 1, name: 'store_id', required: true, type: 'string' as const },
    { id: 2, name: 'camera_id', required: true, type: 'int' as const },
    { id: 3, name: 'ts', required: true, type: 'timestamptz' as const },
    { id: 4, name: 'count', required: false, type: 'long' as const },
  ],
};

/** Deterministic rows spread over two days, several stores and cameras. */
export function makeRows(n: number, seed: number, startMicros = 1_714_521_600_000_000n): EventRow[] {
  return Array.from({ length: n }, (_, i) => ({
    storeId: `store-${(i + seed) % 3}`,
    cameraId: (i * 7 + seed) % 11,
    tsMicros: startMicros + BigInt(i) * 3_600_000_001n + BigInt(seed),
    count: i % 5 === 0 ? null : i * 10 + seed,
  }));
}
