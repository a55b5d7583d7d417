import { DetectionEvent } from '@retail/schema';
import type { StreamComputeService } from '../../src/service/service';
import { CAMERAS, cameraDetections, encode, expectedCounts, STORES } from '../support/scenario';
import { alertIdsOnTopic, count, createTestRun, dropRun, goldCounts, publish, startService, table, trinoRows, waitFor, writeReferenceTables, type TestRun } from '../support/stack';

const TRACKS_PER_CAMERA = 6;

describe('stream-compute through Pulsar (Key_Shared), the REST catalog, MinIO and Trino', () => {
  let run: TestRun;
  const running: StreamComputeService[] = [];

  beforeAll(async () => {
    run = await createTestRun('it_sc');
    await writeReferenceTables(run);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await dropRun(run);
  });

  it('computes gold counts equal to an independent computation, exactly once across a restart mid-run', async () => {
    const perCamera = CAMERAS.map((camera) => cameraDetections(camera, run.id));
    const all = perCamera.flat();
    const message = (e: DetectionEvent) => ({ key: e.camera_id, data: encode(e) });
    // First half of every camera, plus malformed messages and a detection of an unknown camera.
    const half = perCamera.map((events) => events.slice(0, Math.floor(events.length / 2))).flat();
    const unknownCamera = { ...perCamera[0]![5]!, camera_id: 'cam-x', detection_id: `${run.id}-unknown` };
    await publish(run.topic, [
      ...half.map(message),
      { key: 'cam-1', data: Buffer.from('not avro at all') },
      { key: 'cam-2', data: encode({ ...perCamera[2]![3]!, confidence: 1.5 }) },
      { key: 'cam-x', data: encode(unknownCamera) },
    ]);

    const first = await startService(run);
    running.push(first);
    await waitFor(() => count(run, 'gold.item_counts'), (n) => n > 0, 45_000, 'first item counts committed');
    await waitFor(() => count(run, 'ops.dead_letters'), (n) => n >= 3, 20_000, 'dead letters committed');
    await first.stop();
    running.splice(0);

    // The rest, plus redeliveries of already-processed detections (producer retries, replays).
    const rest = perCamera.map((events) => events.slice(Math.floor(events.length / 2))).flat();
    const replayed = half.filter((_, i) => i % 25 === 0);
    await publish(run.topic, [...rest.map(message), ...replayed.map(message)]);
    running.push(await startService(run));

    const expected = expectedCounts(all);
    await waitFor(() => goldCounts(run), (rows) => rows.length >= expected.length, 50_000, `${expected.length} gold count groups`);
    // Let a few more cycles pass: nothing may be added twice.
    await waitFor(() => count(run, 'gold.line_crossings'), (n) => n >= CAMERAS.length * TRACKS_PER_CAMERA, 20_000, 'line crossings');
    expect(await goldCounts(run)).toEqual(expected);

    const unique = new Set(all.filter((e) => e.item_name !== 'tail').map((e) => e.detection_id)).size + CAMERAS.length;
    const [silver, silverDistinct] = (await trinoRows(`SELECT count(*), count(DISTINCT detection_id) FROM ${table(run, 'silver.detections')}`))[0]!.map(Number);
    expect([silver, silverDistinct]).toEqual([unique, unique]);
    // silver.detections keeps bounds only on the columns queries filter by (OUTPUT_METRICS_SETTINGS): camera_id (id 2) has them, confidence (id 10) only counts.
    const bounds = await trinoRows(`SELECT element_at(lower_bounds, 2) IS NOT NULL, element_at(lower_bounds, 10) IS NULL, element_at(value_counts, 10) FROM ${table(run, 'silver.detections').replace(/"$/, '$files"')}`);
    expect(bounds.length).toBeGreaterThan(0);
    for (const [cameraBounded, confidenceUnbounded, confidenceValues] of bounds) expect([cameraBounded, confidenceUnbounded, Number(confidenceValues) > 0]).toEqual([true, true, true]);
    expect(await count(run, 'gold.line_crossings')).toBe(CAMERAS.length * TRACKS_PER_CAMERA);
    expect(await count(run, 'gold.zone_dwell')).toBe(CAMERAS.length * TRACKS_PER_CAMERA);
    const letters = (await trinoRows(`SELECT reason FROM ${table(run, 'ops.dead_letters')} ORDER BY reason`)).map((r) => String(r[0]));
    expect(letters).toHaveLength(3);
    expect(letters[0]).toMatch(/^invalid DetectionEvent: confidence/);
    expect(letters[1]).toMatch(/^join unknown_camera: unknown camera "cam-x"/);
    expect(letters[2]).toMatch(/^undecodable DetectionEvent/);
    // Queue alerts: in the table and on the topic, each exactly once.
    const alertIds = (await trinoRows(`SELECT alert_id FROM ${table(run, 'gold.queue_alerts')} ORDER BY 1`)).map((r) => String(r[0]));
    expect(alertIds.length).toBe(CAMERAS.length * TRACKS_PER_CAMERA * 2); // raised and cleared per visit
    expect(new Set(alertIds).size).toBe(alertIds.length);
    expect((await alertIdsOnTopic(run)).sort()).toEqual(alertIds);
    // Joined with the reference data read from Iceberg (written by Trino).
    const names = await trinoRows(`SELECT DISTINCT store_id, store_name, city FROM ${table(run, 'gold.item_counts')} ORDER BY 1`);
    expect(names).toEqual([
      ['store-a', 'Alpha', 'Utrecht'],
      ['store-b', 'Beta', 'Gent'],
    ]);
  });

  it('joins against reference data refreshed from Iceberg when the cameras table gets a new snapshot', async () => {
    const refreshRun = await createTestRun('it_sc_ref', 1);
    try {
      await writeReferenceTables(refreshRun, STORES, CAMERAS.slice(0, 1));
      const loads: string[] = [];
      running.push(await startService(refreshRun, {}, (what, detail) => what === 'reference' && loads.push(detail)));
      expect(loads).toEqual([expect.stringMatching(/^2 stores, 1 cameras/)]);
      const newCamera = CAMERAS[3]!;
      const events = cameraDetections(newCamera, refreshRun.id);
      // Unknown at first: dead letters.
      await publish(refreshRun.topic, events.slice(0, 3).map((e) => ({ key: e.camera_id, data: encode(e) })));
      await waitFor(() => count(refreshRun, 'ops.dead_letters'), (n) => n >= 3, 20_000, 'dead letters for the unknown camera');
      // The camera is added (a new snapshot of reference.cameras): the service notices and joins.
      await writeReferenceTables(refreshRun, [], [newCamera]);
      await waitFor(async () => loads.length, (n) => n >= 2, 20_000, 'a reference reload');
      expect(loads[1]).toMatch(/^2 stores, 2 cameras/);
      await publish(refreshRun.topic, events.slice(3, 10).map((e) => ({ key: e.camera_id, data: encode(e) })));
      await waitFor(() => count(refreshRun, 'silver.detections', `WHERE camera_id = '${newCamera.camera_id}'`), (n) => n >= 7, 20_000, 'joined silver rows');
      const names = await trinoRows(`SELECT DISTINCT camera_name, store_name FROM ${table(refreshRun, 'silver.detections')}`);
      expect(names).toEqual([[newCamera.name, 'Beta']]);
      expect(await count(refreshRun, 'ops.dead_letters')).toBe(3);
    } finally {
      await Promise.all(running.splice(0).map((s) => s.stop()));
      await dropRun(refreshRun);
    }
  });
});
