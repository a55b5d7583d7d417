// stream-compute throughput on one core, in memory: data-quality checks + watermarks + dedup by
// detection_id + reference join (stores, cameras) + 1-minute tumbling item-count windows, over
// realistic detections (50 cameras in 10 stores, 20 items, ~1 % redeliveries, bounded disorder).
// Also prints the full pipeline (silver rows and patterns) for reference.
//
// Then, unless --no-pulsar, the same service end to end through Pulsar (through-pulsar.ts; needs
// the local stack: npm run stack -- up).
//
// Run: npm run bench -- compute [--events 300000] [--rounds 5] [--pulsar-events 500000] [--partitions 4] [--no-pulsar]
// Ends with one JSON line {"suite":"compute","unit":"events/s/core","ours":N,"through_pulsar":M,...}:
// `ours` is the in-memory core path per CPU-second; `through_pulsar` is the end-to-end figure:
// wall-clock events/s from subscribing to the last message acknowledged, every event decoded,
// processed and its cycle committed to Iceberg (state file + table commits) before its ack;
// `through_pulsar_process` the consume + decode + validate + operators path alone over the same
// backlog size (commits deferred; see through-pulsar.ts); `through_pulsar_per_cpu_s` the committed
// run per CPU-second of the service (the machine's other load does not count).

// The benchmark measures stream-compute's own operators, which no library exports: relative imports on purpose.
/* eslint-disable @nx/enforce-module-boundaries */
import { seededRandom } from '@retail/runtime';
import type { Camera, DetectionEvent, Store } from '@retail/schema';
import { collectingOutputs, ComputePipeline, ReferenceTables, type ComputeOptionsInput } from '../../apps/stream-compute/src/operators';
import { measureThroughPulsar, type PhaseResult } from './through-pulsar';

const CAMERAS = 50;
const STORES = 10;
const ITEMS = ['person', 'bicycle', 'backpack', 'handbag', 'suitcase', 'bottle', 'wine glass', 'cup', 'banana', 'apple', 'orange', 'broccoli', 'carrot', 'chair', 'potted plant', 'tv', 'laptop', 'cell phone', 'book', 'umbrella'];
/** Each camera runs at this many frames per second, with a few detections per frame. */
const FRAMES_PER_SECOND = 10;
const DETECTIONS_PER_FRAME = 3;
/** Delivery disorder: up to this much event time (µs), below the default out-of-orderness (2 s). */
const MAX_DISORDER_US = 1_500_000;
const DUPLICATE_RATE = 0.01;
const TARGET_EVENTS_PER_SECOND = 300_000;
const TARGET_THROUGH_PULSAR_PER_SECOND = 50_000;
/** Each through-Pulsar phase is bounded (sized for 2 shared cores). */
const PULSAR_PHASE_TIMEOUT_MS = 120_000;
const T0 = Date.UTC(2026, 10, 21, 9, 0, 0) * 1000;
/** Above this share of dead letters a through-Pulsar run is refused (see report()). */
const MAX_DEAD_LETTER_SHARE = 0.01;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got ${process.argv[index + 1]}`);
  return value;
}

function reference(): ReferenceTables {
  const stores: Store[] = Array.from({ length: STORES }, (_, i) => ({
    store_id: `store-${i}`,
    name: `Store ${i}`,
    city: `City ${i % 4}`,
    region: `Region ${i % 2}`,
    lat: 52,
    lon: 5,
    timezone: 'Europe/Amsterdam',
  }));
  const cameras: Camera[] = Array.from({ length: CAMERAS }, (_, i) => ({
    camera_id: `cam-${i}`,
    store_id: `store-${i % STORES}`,
    name: `Camera ${i}`,
    zones: [
      { zone_id: 'queue', name: 'Queue', kind: 'checkout_queue', polygon: [{ x: 0.1, y: 0.1 }, { x: 0.4, y: 0.1 }, { x: 0.4, y: 0.5 }, { x: 0.1, y: 0.5 }] },
      { zone_id: 'aisle', name: 'Aisle', kind: 'aisle', polygon: [{ x: 0.5, y: 0.2 }, { x: 0.9, y: 0.2 }, { x: 0.9, y: 0.9 }, { x: 0.5, y: 0.9 }] },
    ],
    lines: [{ line_id: 'door', name: 'Door', a: { x: 0, y: 0.8 }, b: { x: 1, y: 0.8 } }],
  }));
  return new ReferenceTables(stores, cameras);
}

/** Detections in delivery order: camera streams interleaved, each shuffled within the disorder bound. */
function generate(count: number): DetectionEvent[] {
  const random = seededRandom(20261121);
  const framesPerCamera = Math.ceil(count / (CAMERAS * DETECTIONS_PER_FRAME));
  const frameUs = 1_000_000 / FRAMES_PER_SECOND;
  const deliveries: { at: number; event: DetectionEvent }[] = [];
  for (let frame = 0; frame < framesPerCamera; frame++) {
    for (let c = 0; c < CAMERAS; c++) {
      const frameTs = T0 + frame * frameUs + c * 997;
      for (let d = 0; d < DETECTIONS_PER_FRAME && deliveries.length < count; d++) {
        const x = random() * 0.8;
        const y = random() * 0.7;
        const event: DetectionEvent = {
          detection_id: `cam-${c}:${frameTs}:${d}`,
          camera_id: `cam-${c}`,
          store_id: `store-${c % STORES}`,
          frame_ts: frameTs,
          published_ts: frameTs + 40_000,
          frame_seq: frame,
          track_id: random() < 0.9 ? (frame >> 6) * 8 + d : null,
          class_id: (c + d) % ITEMS.length,
          item_name: ITEMS[(c + d * 7 + (frame >> 8)) % ITEMS.length]!,
          confidence: 0.5 + random() * 0.5,
          bbox: { x, y, w: 0.1, h: 0.2 },
          frame_width: 1280,
          frame_height: 720,
          model_name: 'yolov8n',
          model_version: '8.3.0',
          schema_version: 1,
        };
        const at = frameTs + random() * MAX_DISORDER_US;
        deliveries.push({ at, event });
        if (random() < DUPLICATE_RATE) deliveries.push({ at: at + random() * MAX_DISORDER_US, event: { ...event } });
      }
    }
  }
  deliveries.sort((a, b) => a.at - b.at);
  return deliveries.map((d) => d.event);
}

interface Result {
  /** Events per second of CPU time this process used (user + system): the per-core figure, robust to other load on the machine. */
  eventsPerCpuSecond: number;
  /** Events per wall-clock second (lower when other processes share the core). */
  eventsPerSecond: number;
  itemCounts: number;
  late: number;
  duplicates: number;
}

function runOnce(events: readonly DetectionEvent[], options: ComputeOptionsInput, tables: ReferenceTables): Result {
  const { outputs, collected } = collectingOutputs();
  const pipeline = new ComputePipeline(options, outputs, tables);
  // Processing time advances 1 ms per 300 events: no camera ever looks idle.
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < events.length; i++) pipeline.process(events[i]!, 1_800_000_000_000 + ((i / 300) | 0));
  const cpu = process.cpuUsage(cpuStarted);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const counters = pipeline.counters();
  return { eventsPerCpuSecond: events.length / ((cpu.user + cpu.system) / 1e6), eventsPerSecond: events.length / seconds, itemCounts: collected.itemCounts.length, late: counters.late, duplicates: counters.duplicates };
}

function measure(label: string, events: readonly DetectionEvent[], options: ComputeOptionsInput, rounds: number): number {
  const tables = reference();
  runOnce(events.slice(0, 50_000), options, tables); // warm-up: JIT
  const results = Array.from({ length: rounds }, () => runOnce(events, options, tables));
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const perCpu = median(results.map((r) => r.eventsPerCpuSecond));
  const perWall = median(results.map((r) => r.eventsPerSecond));
  const last = results[results.length - 1]!;
  const format = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);
  console.log(
    `${label.padEnd(58)} ${format(perCpu)} events/CPU-s  ${format(perWall)} events/wall-s  ` +
      `(medians of ${rounds}; ${last.itemCounts} window rows, ${last.duplicates} duplicates dropped, ${last.late} late)`,
  );
  return perCpu;
}

const eventCount = argument('events', 300_000);
const rounds = argument('rounds', 5);
const events = generate(eventCount);
console.log(`stream-compute in memory, one core: ${events.length.toLocaleString('en-US')} detections (${CAMERAS} cameras, ${STORES} stores, ${ITEMS.length} items, ≤ ${MAX_DISORDER_US / 1000} ms disorder, ~${DUPLICATE_RATE * 100} % redelivered), ${rounds} rounds`);

const core = measure('quality + watermarks + dedup + join + 1-minute windows', events, { silver: { enabled: false }, patterns: { enabled: false } }, rounds);
measure('  + silver rows (zone containment per detection)', events, { silver: { enabled: true }, patterns: { enabled: false } }, rounds);
measure('  + silver rows + patterns (dwell, queue, line crossings)', events, { silver: { enabled: true }, patterns: { enabled: true } }, rounds);
console.log(`target ≥ ${TARGET_EVENTS_PER_SECOND.toLocaleString('en-US')} events/s for the core path: ${core >= TARGET_EVENTS_PER_SECOND ? 'met' : 'NOT met'}`);

const rate = (events: number, seconds: number | undefined) => (seconds === undefined ? null : Math.round(events / seconds));

function report(phase: PhaseResult): void {
  const format = (n: number | null) => (n === null ? 'n/a' : n.toLocaleString('en-US')).padStart(10);
  const committed =
    phase.committedSeconds === undefined
      ? ''
      : `, all committed + acked in ${phase.committedSeconds.toFixed(1)} s = ${format(rate(phase.events, phase.committedSeconds))} events/s (the last cycle committed ${(phase.committedSeconds - phase.processSeconds).toFixed(1)} s after the last message)`;
  console.log(
    `${phase.label.padEnd(62)} processed in ${phase.processSeconds.toFixed(1)} s = ${format(rate(phase.events, phase.processSeconds))} events/s${committed}; ` +
      `${Math.round(phase.events / phase.cpuSeconds).toLocaleString('en-US')} events/CPU-s of the service, ${phase.cycles} cycles, ${phase.commitRetries} commit retries, ${phase.deadLetters} dead letters${phase.timedOut ? ' (TIMED OUT: partial)' : ''}`,
  );
  // Every scene camera is in the reference tables: dead letters mean the run measured the rejection path, not the pipeline.
  if (phase.deadLetters > phase.events * MAX_DEAD_LETTER_SHARE) throw new Error(`${phase.label}: ${phase.deadLetters} of ${phase.events} events became dead letters; the figures would not measure the pipeline`);
}

async function throughPulsarFigures(): Promise<Record<string, number | null>> {
  if (process.argv.includes('--no-pulsar')) return { through_pulsar: null };
  // 500k: a sustained rate (~10 s at the target), not dominated by the service's start and by the
  // commit of the last cycle after the last message (about a second: latency, printed apart). The
  // process-only phase takes the first 150k of them (see through-pulsar.ts).
  const result = await measureThroughPulsar({ events: argument('pulsar-events', 500_000), partitions: argument('partitions', 4), phaseTimeoutMs: PULSAR_PHASE_TIMEOUT_MS });
  console.log(`published at ${Math.round(result.publishedPerSecond).toLocaleString('en-US')} events/s (Avro, keyed by camera_id, key-based batches)`);
  console.log(`decode + validate alone (in memory, same payloads): ${Math.round(result.decodePerCpuSecond).toLocaleString('en-US')} events/CPU-s`);
  report(result.committed);
  report(result.processOnly);
  const committed = result.committed.timedOut ? null : rate(result.committed.events, result.committed.committedSeconds);
  const processOnly = result.processOnly.timedOut ? null : rate(result.processOnly.events, result.processOnly.processSeconds);
  console.log(`target ≥ ${TARGET_THROUGH_PULSAR_PER_SECOND.toLocaleString('en-US')} events/s through Pulsar: committed ${committed !== null && committed >= TARGET_THROUGH_PULSAR_PER_SECOND ? 'met' : 'NOT met'}, consume + process ${processOnly !== null && processOnly >= TARGET_THROUGH_PULSAR_PER_SECOND ? 'met' : 'NOT met'}`);
  const perCpu = result.committed.timedOut ? null : Math.round(result.committed.events / result.committed.cpuSeconds);
  return { through_pulsar: committed, through_pulsar_process: processOnly, through_pulsar_per_cpu_s: perCpu };
}

// The JSON line is printed whatever happens to the through-Pulsar phase: the in-memory figure
// stands on its own, and the suite's consumers parse the last line.
void throughPulsarFigures()
  .catch((error: unknown): Record<string, number | null> => {
    console.error(`through-Pulsar phase failed; through_pulsar is null: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { through_pulsar: null };
  })
  .then((throughPulsar) => console.log(JSON.stringify({ suite: 'compute', unit: 'events/s/core', ours: Math.round(core), ...throughPulsar, through_pulsar_unit: 'events/s wall clock' })));
