// Where an append's time goes: runs N appends of the bench's DetectionEvent batches (after 20
// warm-up appends) with the S3 FileIO and the catalog wrapped in timers, and prints the time per
// phase (`--pipelined [--depth 2]`: overlapping, as the benchmark runs them; `--worker`: Parquet
// encoded on a worker thread). Run it under
// `node --cpu-prof --import tsx bench/iceberg/profile-append.ts` for a CPU profile as well.
import { FileIOResolver, loadOrCreateTableWithIds, RestCatalog, TableWriter, type FileIO, type NestedField, type PartitionField, workerParquetEncoder } from '@retail/iceberg';
import { arrowRecordBatchOf, DetectionEvent, icebergPartitionSpecOf, icebergSchemaOf } from '@retail/schema';
import { stackEndpoints } from '@retail/stack';
import { detections } from './detections';

const endpoints = stackEndpoints();
const totals = new Map<string, number>();
let lastCommitEnd: number | undefined;
const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    totals.set(name, (totals.get(name) ?? 0) + performance.now() - t0);
  }
};

async function main(): Promise<void> {
  const appends = Number(process.argv[2] ?? 20);
  const rows = Number(process.argv[3] ?? 5000);
  const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl });
  const resolver = new FileIOResolver({
    s3: { endpoint: endpoints.s3Endpoint, region: endpoints.s3Region, accessKeyId: endpoints.s3AccessKeyId, secretAccessKey: endpoints.s3SecretAccessKey, forcePathStyle: true },
  });
  const io: FileIO = {
    write: (location, bytes) => timed(location.endsWith('.parquet') ? 's3 put data' : 's3 put metadata', () => resolver.write(location, bytes)),
    read: (location) => timed('s3 get', () => resolver.read(location)),
    exists: (location) => resolver.exists(location),
    delete: (location) => resolver.delete(location),
  };
  const timedCatalog = {
    loadTable: (id: Parameters<RestCatalog['loadTable']>[0]) => timed('catalog load', () => catalog.loadTable(id)),
    commitTable: async (...args: Parameters<RestCatalog['commitTable']>) => {
      // The gap between a commit's response and the next commit's request: client time on the critical path.
      if (lastCommitEnd !== undefined) totals.set('gap between commits', (totals.get('gap between commits') ?? 0) + performance.now() - lastCommitEnd);
      try {
        return await timed('catalog commit', () => catalog.commitTable(...args));
      } finally {
        lastCommitEnd = performance.now();
      }
    },
  };
  const namespace = [`profile_iceberg_${Date.now().toString(36)}`];
  await catalog.ensureNamespace(namespace);
  const identifier = { namespace, name: 'detections' };
  try {
    await loadOrCreateTableWithIds(catalog, identifier, {
      fields: icebergSchemaOf(DetectionEvent).fields as NestedField[],
      partitionFields: icebergPartitionSpecOf(DetectionEvent).fields as PartitionField[],
    });
    const batches = Array.from({ length: appends + 20 }, (_, b) => arrowRecordBatchOf(DetectionEvent, detections(rows, b * rows)));
    const writer = new TableWriter({
      catalog: timedCatalog,
      io,
      table: await catalog.loadTable(identifier),
      ...(process.argv.includes('--worker') ? { encoder: workerParquetEncoder() } : {}),
    });
    for (const batch of batches.slice(0, 20)) {
      await writer.write(batch);
      await writer.commit(); // warm-up: the JIT optimises the hot paths over the first appends
    }
    totals.clear();
    const pipelined = process.argv.includes('--pipelined');
    const depthIndex = process.argv.indexOf('--depth');
    const depth = depthIndex >= 0 ? Number(process.argv[depthIndex + 1]) : 2;
    const pending: Promise<unknown>[] = [];
    const started = performance.now();
    for (const batch of batches.slice(20)) {
      if (pending.length >= depth) await pending.shift();
      await timed('write (conform, split, stats)', () => writer.write(batch));
      const commit = timed('commit (all)', () => writer.commit());
      if (pipelined) pending.push(commit);
      else await commit;
    }
    await Promise.all(pending);
    const elapsed = performance.now() - started;
    console.log(`${appends} appends of ${rows} rows: ${Math.round(elapsed)} ms, ${Math.round((appends * rows) / (elapsed / 1000))} rows/s`);
    for (const [name, ms] of totals) console.log(`${name.padEnd(32)} ${(ms / appends).toFixed(1).padStart(7)} ms/append`);
  } finally {
    await catalog.dropTable(identifier, { purge: true }).catch(() => undefined);
    await catalog.dropNamespace(namespace).catch(() => undefined);
    resolver.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
