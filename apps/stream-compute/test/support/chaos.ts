import { seededRandom } from '@retail/runtime';
import { DetectionEvent } from '@retail/schema';
import { CAMERAS, cameraDetections, encode, expectedCounts } from './scenario';
import { PulsarAdmin } from '@retail/pulsar';
import { alertIdsOnTopic, count, endpoints, goldCounts, publish, table, trinoRows, waitFor, type TestRun } from './stack';
import { ServiceProcess } from './service-process';

export interface ChaosOptions {
  kills: number;
  /** Instances running after the scale-out (1: no scale-out). */
  scaleTo: number;
  /** SIGKILLs of random instances (each restarted) while all of them run, after the scale-out. */
  killsAfterScaleOut?: number;
  /** After those, one instance is killed for good (scaled down while crashed): the others take over its cameras and its last cycle. */
  leave?: boolean;
  seed: number;
  /** Random pause between kills, ms. */
  minPauseMs: number;
  maxPauseMs: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  expected: ReturnType<typeof expectedCounts>;
  actual: Awaited<ReturnType<typeof goldCounts>>;
  silver: { rows: number; distinct: number; expected: number };
  lineCrossings: number;
  /** Rows of gold.zone_dwell, and their distinct ids. */
  zoneDwell: { rows: number; distinct: number };
  /** Writer ids whose state checkpoints held cameras: more than one after a scale-out that moved cameras. */
  writersWithCameras: string[];
  /** Alert ids in gold.queue_alerts and on the alerts topic (sorted; duplicates kept). */
  alerts: { table: string[]; topic: string[] };
  restarts: number;
}

/** Tracks per camera in the scenario (a new track every 50 frames of 300). */
export const TRACKS_PER_CAMERA = 6;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes the scenario in slices while instance sc-0 is killed with SIGKILL `kills` times (and
 * restarted at once, as a supervisor would), then scales out to `scaleTo` instances, and waits for
 * the gold counts. Every instance that exits by itself is restarted too (e.g. on CAMERA_MOVED).
 */
export async function runChaos(run: TestRun, options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const rnd = seededRandom(options.seed);
  const perCamera = CAMERAS.map((camera) => cameraDetections(camera, run.id));
  const all = perCamera.flat();
  const message = (e: DetectionEvent) => ({ key: e.camera_id, data: encode(e) });
  const killsAfter = options.scaleTo > 1 ? (options.killsAfterScaleOut ?? 0) : 0;
  const leave = options.scaleTo > 1 && options.leave === true;
  const slices = Math.max(4, options.kills + killsAfter + (leave ? 1 : 0) + 3);
  const slice = (k: number) => perCamera.flatMap((events) => events.slice(Math.floor((events.length * k) / slices), Math.floor((events.length * (k + 1)) / slices)));

  const instances = new Map<string, ServiceProcess>();
  let restarts = 0;
  let stopping = false;
  const spawnInstance = (name: string) => {
    // A short grace: the instance that leaves has its last cycle completed by the others within the run.
    const proc = new ServiceProcess(name, { ...run.env, STREAM_COMPUTE_WRITER_ID: name, LOG_LEVEL: 'info', FOREIGN_CYCLE_GRACE_MS: '5000', FOREIGN_CYCLE_SWEEP_MS: '1000' });
    instances.set(name, proc);
    void proc.exited.then(({ code, signal }) => {
      if (stopping || instances.get(name) !== proc || signal === 'SIGKILL') return;
      restarts++;
      log(`${name} exited by itself (code ${code}); restarting. Log tail:\n${proc.logTail.slice(-2_000)}`);
      spawnInstance(name);
    });
  };

  try {
    // One slice before the start, one before each kill, the rest after the scale-out.
    await publish(run.topic, slice(0).map(message));
    spawnInstance('sc-0');
    let published = 1;
    for (let k = 0; k < options.kills; k++) {
      if (published < slices - 1) await publish(run.topic, slice(published++).map(message));
      const victim = instances.get('sc-0')!;
      // Kill while it works: after it committed a cycle since its start, at a random moment.
      const working = await victim.waitForLog('first cycle committed', 30_000);
      await sleep(options.minPauseMs + rnd() * (options.maxPauseMs - options.minPauseMs));
      victim.kill('SIGKILL');
      await victim.exited;
      log(`kill ${k + 1}/${options.kills}: sc-0 killed${working ? '' : ' (it had not committed a cycle yet)'}`);
      spawnInstance('sc-0');
    }
    for (let i = 1; i < options.scaleTo; i++) spawnInstance(`sc-${i}`);
    // The rest once every instance is subscribed, so Key_Shared spreads it over all of them.
    await waitFor(() => subscribedInstances(run), (names) => names.size >= options.scaleTo, 60_000, `${options.scaleTo} subscribed instances`);
    log(`scaled out to ${options.scaleTo} instances`);
    for (let k = 0; k < killsAfter; k++) {
      if (published < slices - 1) await publish(run.topic, slice(published++).map(message));
      const name = `sc-${Math.floor(rnd() * options.scaleTo)}`;
      const victim = instances.get(name)!;
      await victim.waitForLog('first cycle committed', 30_000);
      await sleep(options.minPauseMs + rnd() * (options.maxPauseMs - options.minPauseMs));
      victim.kill('SIGKILL');
      await victim.exited;
      log(`kill ${k + 1}/${killsAfter} after the scale-out: ${name} killed while the others run`);
      spawnInstance(name);
    }
    if (leave) {
      if (published < slices - 1) await publish(run.topic, slice(published++).map(message));
      const name = `sc-${options.scaleTo - 1}`;
      const victim = instances.get(name)!;
      await victim.waitForLog('first cycle committed', 30_000);
      await sleep(options.minPauseMs + rnd() * (options.maxPauseMs - options.minPauseMs));
      instances.delete(name); // not restarted: it left
      victim.kill('SIGKILL');
      await victim.exited;
      log(`${name} killed for good (left); ${instances.size} instances go on`);
    }
    while (published < slices) await publish(run.topic, slice(published++).map(message));

    const expected = expectedCounts(all);
    await waitFor(() => goldCounts(run), (rows) => rows.length >= expected.length && rows.every((r, i) => r.detections === expected[i]?.detections), 90_000, 'gold counts');
    const expectedSilver = new Set(all.map((e) => e.detection_id)).size;
    await waitFor(() => count(run, 'silver.detections'), (n) => n >= expectedSilver, 30_000, 'silver rows');
    // Every track's stay in the queue zone ends (exit or lost) within the data: one dwell row per track.
    await waitFor(() => count(run, 'gold.zone_dwell'), (n) => n >= CAMERAS.length * TRACKS_PER_CAMERA, 30_000, 'dwell rows');
    await sleep(1_500); // a few more cycles: anything written twice would show up now
    const [rows, distinct] = (await trinoRows(`SELECT count(*), count(DISTINCT detection_id) FROM ${table(run, 'silver.detections')}`))[0]!.map(Number);
    const [dwellRows, dwellDistinct] = (await trinoRows(`SELECT count(*), count(DISTINCT dwell_id) FROM ${table(run, 'gold.zone_dwell')}`))[0]!.map(Number);
    return {
      expected,
      actual: await goldCounts(run),
      silver: { rows: rows!, distinct: distinct!, expected: expectedSilver },
      lineCrossings: await count(run, 'gold.line_crossings'),
      zoneDwell: { rows: dwellRows!, distinct: dwellDistinct! },
      writersWithCameras: await writersWithCameras(run),
      alerts: {
        table: (await trinoRows(`SELECT alert_id FROM ${table(run, 'gold.queue_alerts')} ORDER BY 1`)).map((r) => String(r[0])),
        topic: (await alertIdsOnTopic(run)).sort(),
      },
      restarts,
    };
  } finally {
    stopping = true;
    await Promise.all([...instances.values()].map((p) => p.stop()));
  }
}

/** Writer ids (consumer names are `<writer id>-<pid>`) with a consumer on the run's subscription. */
async function subscribedInstances(run: TestRun): Promise<Set<string>> {
  const stats = await new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl }).partitionedTopicStats(run.topic);
  const consumers = stats.subscriptions[run.env.STREAM_COMPUTE_SUBSCRIPTION!]?.consumers ?? [];
  return new Set(consumers.map((c) => (c.consumerName ?? '').replace(/-\d+$/, '')).filter((name) => name !== ''));
}

async function writersWithCameras(run: TestRun): Promise<string[]> {
  const snapshots = `iceberg."${run.prefix}gold"."item_counts$snapshots"`;
  const rows = await trinoRows(
    `SELECT DISTINCT summary['retail.writer-id'] FROM ${snapshots} WHERE json_extract_scalar(element_at(summary, 'retail.checkpoint'), '$.kind') = 'state' ` +
      `AND element_at(summary, 'retail.checkpoint') NOT LIKE '%"cameras":{}%' ORDER BY 1`,
  );
  return rows.map((r) => String(r[0]));
}
