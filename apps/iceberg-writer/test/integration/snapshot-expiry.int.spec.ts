import { RestCatalog } from '@retail/iceberg';
import { detection, encodeDetection } from '../support/events';
import { createTestRun, dropRunTables, endpoints, publish, startPipeline, tableName, trinoCount, trinoRows, waitFor, type TestRun } from '../support/stack';

describe('snapshot expiry in the running writer', () => {
  let run: TestRun;
  beforeAll(async () => {
    run = await createTestRun('it_expiry', 0);
  });
  afterAll(async () => {
    await dropRunTables(run);
  });

  it('keeps the snapshot count bounded while committing, and a restart still writes every message once', async () => {
    const expiry = { SNAPSHOT_EXPIRY_INTERVAL_MS: '300', SNAPSHOT_EXPIRY_MAX_AGE_MS: '0', SNAPSHOT_EXPIRY_RETAIN_LAST: '1', COMMIT_INTERVAL_MS: '100' };
    const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl });
    const identifier = { namespace: [`${run.namespacePrefix}bronze`], name: 'detections' };
    const table = tableName(run, 'bronze.detections');
    const snapshotCount = async () => ((await catalog.loadTable(identifier)).metadata.snapshots ?? []).length;

    const first = await startPipeline(run, expiry);
    let published = 0;
    try {
      // Eight separate cycles: eight commits, so without expiry at least nine snapshots (with the epoch claim).
      for (let round = 0; round < 8; round++) {
        await publish(run.detectionsTopic, Array.from({ length: 10 }, (_, i) => encodeDetection(detection(published + i, run.id))));
        published += 10;
        await waitFor(() => trinoCount(table), (n) => n >= published, 30_000, `${published} detections`);
      }
      // Nine or more snapshots were committed; only expiry brings the count down to the head (and at most one more).
      await waitFor(snapshotCount, (n) => n <= 2, 20_000, 'old snapshots expired');
      const head = (await catalog.loadTable(identifier)).metadata;
      expect(Number(head.snapshots!.at(-1)!.summary['total-records'])).toBe(published);
    } finally {
      await first.stop();
    }

    await publish(run.detectionsTopic, Array.from({ length: 10 }, (_, i) => encodeDetection(detection(published + i, run.id))));
    published += 10;
    const second = await startPipeline(run, expiry);
    try {
      await waitFor(() => trinoCount(table), (n) => n >= published, 30_000, `${published} detections after the restart`);
      const [total, distinct] = (await trinoRows(`SELECT count(*), count(DISTINCT detection_id) FROM ${table}`))[0]!;
      expect([total, distinct]).toEqual([published, published]);
    } finally {
      await second.stop();
    }
  });
});
