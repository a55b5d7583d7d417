import { FileIOResolver, RestCatalog } from '@retail/iceberg';
import { ItemCount } from '@retail/schema';
import { stateCheckpointsByWriter } from '../../src/service/checkpoint';
import { decodeCycleFile } from '../../src/service/cycle-file';
import type { StreamComputeService } from '../../src/service/service';
import { tableIdentifierOf } from '../../src/service/tables';
import { CAMERAS, cameraDetections, encode } from '../support/scenario';
import { count, createTestRun, dropRun, endpoints, publish, serviceConfig, startService, table, trinoRows, waitFor, writeReferenceTables, type TestRun } from '../support/stack';

/**
 * An instance stalls between its checkpoint commit (step 2) and its other tables (step 3) for
 * longer than the foreign-cycle grace; another instance completes the cycle from the cycle file.
 * When the stalled one resumes, its own step 3 must refuse instead of appending the rows again.
 */
describe('stream-compute instance that stalls in the middle of a cycle', () => {
  let run: TestRun;
  const running: StreamComputeService[] = [];

  beforeAll(async () => {
    run = await createTestRun('it_sc_stall', 1);
    await writeReferenceTables(run);
  });

  afterAll(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    await dropRun(run);
  });

  it('does not append a cycle twice when another instance completed it meanwhile', async () => {
    const events = cameraDetections(CAMERAS[0]!, run.id).filter((e) => e.item_name !== 'tail').slice(0, 200);
    const silverRows = async () => (await trinoRows(`SELECT count(*), count(DISTINCT detection_id) FROM ${table(run, 'silver.detections')}`))[0]!.map(Number);

    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let stalledCycle: number | undefined;
    const stalling = await startService(run, { STREAM_COMPUTE_WRITER_ID: 'sc-0', CHECKPOINT_INTERVAL_MS: '60000', CHECKPOINT_MAX_MESSAGES: String(events.length) }, undefined, {
      beforeOutputTables: async (cycle) => {
        if (stalledCycle !== undefined) return;
        stalledCycle = cycle;
        await released;
      },
    });
    running.push(stalling);
    await publish(run.topic, events.map((e) => ({ key: e.camera_id, data: encode(e) })));
    // Step 2 landed (the cycle's gold rows and checkpoint), step 3 is held.
    await waitFor(async () => stalledCycle, (cycle) => cycle !== undefined, 45_000, 'the first cycle reaches its checkpoint commit');
    expect(await count(run, 'silver.detections')).toBe(0);

    // Another instance sees the stalled cycle (no grace) and completes it from the cycle file.
    running.push(await startService(run, { STREAM_COMPUTE_WRITER_ID: 'sc-1', FOREIGN_CYCLE_GRACE_MS: '0', FOREIGN_CYCLE_SWEEP_MS: '300' }));
    await waitFor(silverRows, ([rows]) => rows! > 0, 45_000, 'the other instance completed the stalled cycle');
    const completed = await silverRows();
    expect(completed[0]).toBe(completed[1]);

    // The stalled instance resumes: its step 3 refuses (and it stops, to restart and re-read the tables).
    release();
    let settled = false; // ends the duplicate watch once the instance stopped
    const outcome = await Promise.race([
      stalling.done.then(() => 'kept running', (error: unknown) => error).finally(() => (settled = true)),
      waitFor(async () => (settled ? undefined : silverRows()), (rows) => rows === undefined || rows[0]! > completed[0]!, 30_000, 'rows appended twice').then(
        (rows) => `appended twice: ${rows?.join(' rows, ')} distinct`,
      ),
    ]);
    expect(outcome).toMatchObject({ code: 'CYCLE_COMPLETED_CONCURRENTLY' });
    running.splice(running.indexOf(stalling), 1);
    expect(await silverRows()).toEqual(completed);

    // Restarted, it finds the cycle applied everywhere and goes on without adding anything twice.
    running.push(await startService(run, { STREAM_COMPUTE_WRITER_ID: 'sc-0' }));
    await waitFor(() => count(run, 'silver.detections'), (n) => n >= events.length, 45_000, 'every detection in silver');
    const [rows, distinct] = await silverRows();
    expect(rows).toBe(distinct);
    expect(rows).toBe(events.length);
  }, 120_000);

  it('refuses to complete a cycle whose stored data files are gone (an orphan sweep during an outage), naming them', async () => {
    const gone = await createTestRun('it_sc_gone', 1);
    const held: StreamComputeService[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    try {
      await writeReferenceTables(gone);
      const events = cameraDetections(CAMERAS[0]!, gone.id).filter((e) => e.item_name !== 'tail').slice(0, 100);
      let stalledCycle: number | undefined;
      held.push(
        await startService(gone, { STREAM_COMPUTE_WRITER_ID: 'sc-0', CHECKPOINT_INTERVAL_MS: '60000', CHECKPOINT_MAX_MESSAGES: String(events.length) }, undefined, {
          beforeOutputTables: async (cycle) => {
            stalledCycle ??= cycle;
            await released;
          },
        }),
      );
      await publish(gone.topic, events.map((e) => ({ key: e.camera_id, data: encode(e) })));
      await waitFor(async () => stalledCycle, (cycle) => cycle !== undefined, 45_000, 'the first cycle reaches its checkpoint commit');

      // The cycle's silver files, stored before the checkpoint and in no snapshot yet, disappear.
      const config = serviceConfig(gone);
      const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl });
      const metadata = (await catalog.loadTable(tableIdentifierOf(ItemCount, gone.prefix))).metadata;
      const cycleFile = stateCheckpointsByWriter(metadata, config.input.subscription).get('sc-0')!.cycleFile;
      const io = new FileIOResolver({ s3: { ...config.s3 } });
      const silverFiles = decodeCycleFile(await io.read(cycleFile), cycleFile).dataFiles['silver.detections']!;
      expect(silverFiles.length).toBeGreaterThan(0);
      for (const file of silverFiles) await io.delete(file.filePath);
      io.close();

      // Another instance tries to complete the held cycle: it stops, naming the missing files, and appends nothing.
      const completer = await startService(gone, { STREAM_COMPUTE_WRITER_ID: 'sc-1', FOREIGN_CYCLE_GRACE_MS: '0', FOREIGN_CYCLE_SWEEP_MS: '300' });
      const outcome = await Promise.race([completer.done.then(() => 'kept running', (error: unknown) => error), new Promise((resolve) => setTimeout(() => resolve('no error within 30 s'), 30_000))]);
      expect(outcome).toMatchObject({ code: 'INVALID_CHECKPOINT', message: expect.stringContaining(silverFiles[0]!.filePath) });
      expect(await count(gone, 'silver.detections')).toBe(0);
    } finally {
      release();
      await Promise.all(held.map((s) => s.stop().catch(() => undefined)));
      await dropRun(gone);
    }
  }, 120_000);
});
