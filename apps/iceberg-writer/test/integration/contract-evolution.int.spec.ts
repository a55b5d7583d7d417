import * as arrow from 'apache-arrow';
import { currentSchema, FileIOResolver, loadOrCreateTableWithIds, RestCatalog, TableWriter, type NestedField, type PartitionField } from '@retail/iceberg';
import { arrowRecordBatchOf, DetectionEvent, icebergPartitionSpecOf, icebergSchemaOf, type RecordType } from '@retail/schema';
import { detection, encodeDetection } from '../support/events';
import { createTestRun, dropRunTables, endpoints, publish, startPipeline, tableName, trinoCount, trinoRows, waitFor, type TestRun } from '../support/stack';

/** The contract's field the "v1" table lacks: optional, so a growing contract may add it. */
const ADDED_FIELD = { id: 7, name: 'track_id' };

describe('the writer evolves its tables when the contract grows', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await createTestRun('it_evolve', 0);
  });
  afterAll(async () => {
    await dropRunTables(run);
  });

  it('adds the optional contract fields a table lacks, with the contract ids, and old and new rows read back in Trino', async () => {
    const record = DetectionEvent as unknown as RecordType;
    const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl });
    const identifier = { namespace: [`${run.namespacePrefix}bronze`], name: 'detections' };
    await catalog.ensureNamespace(identifier.namespace);
    const v1Fields = (icebergSchemaOf(record).fields as NestedField[]).filter((f) => f.id !== ADDED_FIELD.id);
    const table = await loadOrCreateTableWithIds(catalog, identifier, {
      fields: v1Fields,
      partitionFields: icebergPartitionSpecOf(record).fields as PartitionField[],
    });
    // Rows written while the table had the v1 schema.
    const old = Array.from({ length: 5 }, (_, i) => detection(i, run.id));
    const full = arrowRecordBatchOf(record, old as never);
    const v1Batch = new arrow.Table(Object.fromEntries(v1Fields.map((f) => [f.name, full.getChild(f.name)!]))).batches[0]!;
    const io = new FileIOResolver({ s3: { endpoint: endpoints.s3Endpoint, accessKeyId: endpoints.s3AccessKeyId, secretAccessKey: endpoints.s3SecretAccessKey, forcePathStyle: true } });
    const writer = new TableWriter({ catalog, io, table });
    await writer.write(v1Batch);
    await writer.commit();
    io.close();

    const pipeline = await startPipeline(run);
    try {
      const schema = currentSchema((await catalog.loadTable(identifier)).metadata);
      expect(schema.fields.find((f) => f.id === ADDED_FIELD.id)).toMatchObject({ name: ADDED_FIELD.name, required: false, type: 'long' });
      expect(schema.fields.map((f) => f.id).sort((a, b) => a - b)).toEqual((icebergSchemaOf(record).fields as NestedField[]).map((f) => f.id).sort((a, b) => a - b));

      const fresh = Array.from({ length: 20 }, (_, i) => detection(100 + i, run.id));
      await publish(run.detectionsTopic, fresh.map(encodeDetection));
      const name = tableName(run, 'bronze.detections');
      await waitFor(() => trinoCount(name), (n) => n >= 25, 45_000, '25 detections in Trino');
      const rows = await trinoRows(`SELECT detection_id, track_id FROM ${name}`);
      const byId = new Map(rows.map((r) => [r[0], r[1]]));
      expect(byId.size).toBe(25);
      for (const d of old) expect(byId.get(d.detection_id)).toBeNull();
      for (const d of fresh) expect(byId.get(d.detection_id)).toBe(d.track_id);
    } finally {
      await pipeline.stop();
    }
  });
});
