import { FileIOResolver, RestCatalog } from '@retail/iceberg';
import { DetectionEvent, ItemCount } from '@retail/schema';
import { stateCheckpointsByWriter } from '../../src/service/checkpoint';
import { cycleFileDirectory, cycleOfFileName } from '../../src/service/cycle-file';
import { folderListerFor, oldestChainedCycle, referencedCycleFiles } from '../../src/service/cycle-file-cleanup';
import { defaultStateBase, type StreamComputeService } from '../../src/service/service';
import { tableIdentifierOf } from '../../src/service/tables';
import { CAMERAS, cameraDetections, encode, expectedCounts } from '../support/scenario';
import { createTestRun, dropRun, endpoints, goldCounts, publish, serviceConfig, startService, waitFor, writeReferenceTables, type TestRun } from '../support/stack';

describe('stream-compute cycle files', () => {
  let run: TestRun;
  const running: StreamComputeService[] = [];

  beforeAll(async () => {
    run = await createTestRun('it_sc_files');
    await writeReferenceTables(run);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await dropRun(run);
  });

  it('deletes the files no checkpoint refers to, also those a crash before the cleanup left, and keeps what restores state', async () => {
    const config = serviceConfig(run);
    const folder = cycleFileDirectory(defaultStateBase(config.catalog.warehouse, config.tables.namespacePrefix), config.input.subscription, 'sc-0');
    const io = new FileIOResolver({ s3: { ...config.s3 } });
    const lister = folderListerFor(folder, io)!;
    const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl });
    // What the newest checkpoints need: the files they name, and every file from the oldest dedup chain on.
    const referenced = async () => {
      const metadata = (await catalog.loadTable(tableIdentifierOf(ItemCount, run.prefix))).metadata;
      const checkpoints = [...stateCheckpointsByWriter(metadata, config.input.subscription).values()];
      const named = referencedCycleFiles(checkpoints);
      const chainedFrom = oldestChainedCycle(checkpoints, folder);
      return { named, has: (file: string) => named.has(file) || (chainedFrom !== undefined && (cycleOfFileName(file) ?? -1) >= chainedFrom) };
    };
    const newestCycle = async () => {
      const metadata = (await catalog.loadTable(tableIdentifierOf(ItemCount, run.prefix))).metadata;
      return stateCheckpointsByWriter(metadata, config.input.subscription).get('sc-0')?.cycle;
    };
    const perCamera = CAMERAS.map((camera) => cameraDetections(camera, run.id));
    const message = (e: DetectionEvent) => ({ key: e.camera_id, data: encode(e) });
    try {
      // 1. Cleanup off: every cycle's file stays, as if the process had died after each commit, before its cleanup.
      //    Dedup state whole in every file (no chains), so each cycle replaces the previous state.
      const slices = 4;
      const slice = (k: number) => perCamera.flatMap((events) => events.slice(Math.floor((events.length * k) / slices), Math.floor((events.length * (k + 1)) / slices)));
      const first = await startService(run, { CHECKPOINT_CLEANUP_ENABLED: 'false', DEDUP_MAX_SEGMENTS: '1' });
      running.push(first);
      for (let k = 0; k < slices - 1; k++) {
        const before = (await lister.list(folder)).length;
        await publish(run.topic, slice(k).map(message));
        await waitFor(() => lister.list(folder), (files) => files.length > before, 30_000, `a cycle file for slice ${k}`);
      }
      await first.stop();
      running.splice(0);
      const left = await lister.list(folder);
      const keep = await referenced();
      expect(left.filter((f) => !keep.has(f)).length).toBeGreaterThan(0);

      // 2. Cleanup on, incremental dedup state (chains of stored deltas): the start deletes the leftovers, and the
      //    state they replaced is not needed to go on.
      running.push(await startService(run, { CHECKPOINT_CLEANUP_INTERVAL_MS: '500' }));
      await waitFor(
        async () => ({ files: await lister.list(folder), keep: await referenced() }),
        ({ files, keep }) => files.length < left.length && files.every((f) => keep.has(f)),
        20_000,
        'unreferenced files deleted at start',
      );
      // Half the last slice in three cycles: the cameras' dedup state then refers to older files that no
      // checkpoint names any more (only the chain rule keeps them). A restart restores the cameras from them.
      const last = slice(slices - 1);
      const half = Math.floor(last.length / 2);
      const pieces = 3;
      for (let p = 0; p < pieces; p++) {
        const cycle = (await newestCycle()) ?? -1;
        await publish(run.topic, last.slice(Math.floor((half * p) / pieces), Math.floor((half * (p + 1)) / pieces)).map(message));
        await waitFor(newestCycle, (now) => (now ?? -1) > cycle, 30_000, `a cycle for piece ${p}`);
      }
      const chained = await referenced();
      expect((await lister.list(folder)).some((f) => !chained.named.has(f) && chained.has(f))).toBe(true);
      await Promise.all(running.splice(0).map((s) => s.stop()));
      running.push(await startService(run, { CHECKPOINT_CLEANUP_INTERVAL_MS: '500' }));
      // Replayed: the dedup state restored from the chain must drop these, or the gold counts come out too high.
      await publish(run.topic, last.map(message));
      const expected = expectedCounts(perCamera.flat());
      await waitFor(() => goldCounts(run), (rows) => rows.length >= expected.length, 45_000, `${expected.length} gold count groups`);
      expect(await goldCounts(run)).toEqual(expected);
      // Later cycles replace the state again: only referenced files remain.
      const finalKeep = await waitFor(
        async () => ({ files: await lister.list(folder), keep: await referenced() }),
        ({ files, keep }) => files.every((f) => keep.has(f)),
        20_000,
        'only referenced files left',
      );
      expect(finalKeep.files.length).toBeGreaterThan(0);
    } finally {
      io.close();
    }
  }, 150_000);
});
