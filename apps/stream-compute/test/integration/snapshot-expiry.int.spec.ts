import type { StreamComputeService } from '../../src/service/service';
import { CAMERAS, cameraDetections, encode, expectedCounts } from '../support/scenario';
import { count, createTestRun, dropRun, goldCounts, publish, startService, table, trinoRows, waitFor, writeReferenceTables, type TestRun } from '../support/stack';

/** As aggressive as the policy allows: everything but the exactly-once chain and the head goes. */
const EXPIRE_EVERYTHING = { SNAPSHOT_EXPIRY_INTERVAL_MS: '400', SNAPSHOT_EXPIRY_MAX_AGE_MS: '0', SNAPSHOT_EXPIRY_RETAIN_LAST: '1' };

describe('stream-compute with snapshot expiry of its output tables', () => {
  let run: TestRun;
  let service: StreamComputeService | undefined;

  beforeAll(async () => {
    run = await createTestRun('it_sc_expiry');
    await writeReferenceTables(run, undefined, CAMERAS.slice(0, 2));
  });

  afterAll(async () => {
    await service?.stop();
    await dropRun(run);
  });

  const snapshots = async (qualified: string) => Number((await trinoRows(`SELECT count(*) FROM ${table(run, `${qualified}$snapshots`)}`))[0]![0]);

  it('expires old snapshots and still restarts from its checkpoint exactly once', async () => {
    const perCamera = CAMERAS.slice(0, 2).map((camera) => cameraDetections(camera, run.id));
    const message = (e: (typeof perCamera)[number][number]) => ({ key: e.camera_id, data: encode(e) });
    const third = (events: (typeof perCamera)[number], part: number) => events.slice(Math.floor((events.length * part) / 3), Math.floor((events.length * (part + 1)) / 3));

    // Several cycles (one publish each), so the tables get a history to expire.
    service = await startService(run, EXPIRE_EVERYTHING);
    let expectedSilver = 0;
    for (let part = 0; part < 2; part++) {
      const events = perCamera.flatMap((camera) => third(camera, part));
      await publish(run.topic, events.map(message));
      expectedSilver += events.length;
      await waitFor(() => count(run, 'silver.detections'), (n) => n >= expectedSilver, 45_000, `silver rows of part ${part}`);
    }
    // gold.item_counts gets a snapshot per cycle; with expiry only the head and each writer's chain stay.
    await waitFor(() => snapshots('gold.item_counts'), (n) => n <= 3, 30_000, 'old gold.item_counts snapshots expired');
    await waitFor(() => snapshots('silver.detections'), (n) => n <= 3, 30_000, 'old silver.detections snapshots expired');
    await service.stop();

    // A restart must find its state checkpoint (gold.item_counts) and its applied cycles (silver) after expiry.
    await publish(run.topic, perCamera.flatMap((events) => third(events, 2)).map(message));
    service = await startService(run, EXPIRE_EVERYTHING);
    const expected = expectedCounts(perCamera.flat());
    await waitFor(() => goldCounts(run), (rows) => rows.length >= expected.length, 60_000, `${expected.length} gold count groups`);
    expect(await goldCounts(run)).toEqual(expected);
    const unique = new Set(perCamera.flat().map((e) => e.detection_id)).size;
    const [silver, distinct] = (await trinoRows(`SELECT count(*), count(DISTINCT detection_id) FROM ${table(run, 'silver.detections')}`))[0]!.map(Number);
    expect([silver, distinct]).toEqual([unique, unique]);
  }, 150_000);
});
