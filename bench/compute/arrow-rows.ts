// Microbenchmark: @retail/schema's arrowRecordBatchOf (contract rows → one Arrow RecordBatch, the
// row builder of libs/schema/src/arrow/row-builder.ts) on one commit cycle's worth of
// silver.detections rows, against the reference builder it replaced (libs/schema's test oracle,
// test-support/reference-arrow-builder.ts), whose bytes it must match exactly.
//
// Rows are realistic: tools/demo's scene (25 stores × 2 cameras), each detection encoded to Avro and
// decoded again as the service receives it (so ids, camera and item names are fresh strings per row),
// then joined by the silver operator (store and camera attributes: the same string objects per row).
//
// Run: flock /tmp/retail-bench.lock npx tsx bench/compute/arrow-rows.ts [--rows 50000] [--rounds 20] [--non-ascii] [--baseline <module>]...
// --non-ascii: store names and cities with accented letters (the scene's are ASCII).
// --baseline (repeatable): another module exporting recordBatchOfRows or arrowRecordBatchOf, measured in
// the same run, e.g. the builder as it was in stream-compute before it moved to libs/schema:
//   git show 8b0d0ea:apps/stream-compute/src/service/arrow-rows.ts | sed "s#'./errors'#'../../apps/stream-compute/src/service/errors'#" > bench/compute/old-arrow-rows.ts
// (delete it afterwards). Figures are medians over the rounds, each build timed after a full GC:
// CPU time per row of this process (user + system, all threads: GC helpers too), elapsed time per
// row, and the main thread's GC pauses per build (a proxy for the garbage made).
//
// 2026-11-22, 2 shared cores, 50k rows (then in stream-compute): the row builder 0.56-0.64 µs/row CPU
// (28-32 ms a batch), the one before it (the transposed columns and joined strings of 81d5093~1)
// 1.8-1.9 µs/row (90-95 ms), the reference builder 5.4-5.8 µs/row; GC pauses 0 / 4 / 25-32 ms a batch.

// The benchmark measures stream-compute's operators and libs/schema's test oracle, which no library exports: relative imports on purpose.
/* eslint-disable @nx/enforce-module-boundaries */
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { arrowRecordBatchOf, avroCodecOf, DetectionEvent, SilverDetection, type RecordType } from '@retail/schema';
import { ReferenceTables } from '../../apps/stream-compute/src/operators/reference-join';
import { silverDetectionOf } from '../../apps/stream-compute/src/operators/silver';
import { referenceRecordBatchOf } from '../../libs/schema/src/test-support/reference-arrow-builder';
import { buildScene, DEFAULT_SCENE } from '../../tools/demo/src/scene';

type Row = Record<string, unknown>;
type Builder = (record: RecordType, rows: readonly Row[]) => RecordBatch;

const SCENE = { ...DEFAULT_SCENE, stores: 25, fps: 10, shoppersPerMinute: 40 };
const WARM_UP_ROUNDS = 5;

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function count(name: string, fallback: number): number {
  const text = argument(name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got ${text}`);
  return value;
}

/**
 * `rows` silver rows as the service makes them: Avro-decoded detections joined with the reference
 * tables. `nonAscii`: store names and cities with accented letters (UTF-8 of more than one byte).
 */
function silverRows(rows: number, nonAscii: boolean): Row[] {
  let durationS = 60;
  let scene = buildScene({ ...SCENE, durationS });
  while (scene.detections.length < rows) scene = buildScene({ ...SCENE, durationS: (durationS *= 2) });
  const stores = nonAscii ? scene.stores.map((store) => ({ ...store, name: `${store.name} · Praça do Comércio`, city: `${store.city} (Região Sul)` })) : scene.stores;
  const tables = new ReferenceTables(stores, scene.cameras);
  const codec = avroCodecOf(DetectionEvent);
  return scene.detections.slice(0, rows).map((detection) => {
    const decoded = codec.decode(codec.encode(detection));
    if (!decoded.ok) throw new Error('a scene detection did not survive the Avro round trip');
    const event = decoded.value;
    return silverDetectionOf(event, tables.store(event.store_id)!, tables.camera(event.camera_id)!) as unknown as Row;
  });
}

const ipc = (batch: RecordBatch) => Buffer.from(tableToIPC(new Table(batch.schema, [batch]), 'stream'));

/** GC pauses (start, duration in ms on performance.now()'s clock), as the observer reports them. */
const gcPauses: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ['gc'] });

interface Figures {
  /** CPU time of the process per row (all its threads: GC helpers too). */
  cpuMicrosPerRow: number;
  /** Elapsed time per row: the main thread's time when the machine is otherwise idle. */
  wallMicrosPerRow: number;
  /** GC pauses of the main thread within the timed builds. */
  gcMsPerRound: number;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// A full GC (untimed) before every timed build, so no build pays for the garbage of the one before,
// and a pause after it for GC's helper threads to finish sweeping (their CPU time is the process's).
// It also checks that a builder stays fast across major GCs, as in the service between cycles.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Also lets GC entries reach the observer (they come on a later turn of the event loop). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

async function measure(build: Builder, record: RecordType, rows: readonly Row[], rounds: number): Promise<Figures> {
  for (let r = 0; r < WARM_UP_ROUNDS; r++) build(record, rows);
  const cpuRounds: number[] = [];
  const wallRounds: number[] = [];
  const windows: [number, number][] = [];
  for (let r = 0; r < rounds; r++) {
    collectGarbage();
    await settle();
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    build(record, rows);
    const cpu = process.cpuUsage(cpuStarted);
    const ended = performance.now();
    windows.push([started, ended]);
    wallRounds.push((ended - started) * 1000);
    cpuRounds.push(cpu.user + cpu.system);
  }
  await settle();
  const inWindows = gcPauses.filter((pause) => windows.some(([start, end]) => pause.start >= start && pause.start < end));
  const gcMs = inWindows.reduce((sum, pause) => sum + pause.duration, 0);
  return { cpuMicrosPerRow: median(cpuRounds) / rows.length, wallMicrosPerRow: median(wallRounds) / rows.length, gcMsPerRound: gcMs / rounds };
}

async function main(): Promise<void> {
  const rowCount = count('rows', 50_000);
  const rounds = count('rounds', 20);
  const record = SilverDetection as unknown as RecordType;
  const nonAscii = process.argv.includes('--non-ascii');
  const rows = silverRows(rowCount, nonAscii);
  const builders: [string, Builder][] = [['@retail/schema arrowRecordBatchOf', arrowRecordBatchOf as unknown as Builder]];
  const baselines = process.argv.flatMap((arg, i) => (arg === '--baseline' && process.argv[i + 1] !== undefined ? [process.argv[i + 1]!] : []));
  for (const baseline of baselines) {
    const module = (await import(path.resolve(baseline))) as { recordBatchOfRows?: Builder; arrowRecordBatchOf?: Builder };
    const build = module.recordBatchOfRows ?? module.arrowRecordBatchOf;
    if (build === undefined) throw new Error(`--baseline ${baseline}: exports neither recordBatchOfRows nor arrowRecordBatchOf`);
    builders.push([`baseline ${path.basename(baseline)}`, build]);
  }
  builders.push(['reference builder (test oracle)', referenceRecordBatchOf]);

  // Only a builder that makes the reference's exact bytes is worth timing.
  const expected = ipc(referenceRecordBatchOf(record, rows));
  for (const [label, build] of builders) if (!ipc(build(record, rows)).equals(expected)) throw new Error(`${label}: its batch differs from the reference builder's`);

  console.log(`silver.detections → Arrow RecordBatch: ${rows.length.toLocaleString('en-US')} rows${nonAscii ? ' (non-ASCII store names and cities)' : ''}, ${rounds} rounds (medians)`);
  const results: Record<string, number> = {};
  for (const [label, build] of builders) {
    const { cpuMicrosPerRow, wallMicrosPerRow, gcMsPerRound } = await measure(build, record, rows, rounds);
    results[label] = Number(cpuMicrosPerRow.toFixed(3));
    const perBatch = (micros: number) => `${((micros * rows.length) / 1000).toFixed(1).padStart(6)} ms/batch`;
    console.log(
      `${label.padEnd(40)} CPU ${cpuMicrosPerRow.toFixed(3).padStart(6)} µs/row ${perBatch(cpuMicrosPerRow)}   ` +
        `elapsed ${wallMicrosPerRow.toFixed(3).padStart(6)} µs/row ${perBatch(wallMicrosPerRow)}   GC pauses ${gcMsPerRound.toFixed(1).padStart(5)} ms/round`,
    );
  }
  console.log(JSON.stringify({ suite: 'compute-arrow-rows', unit: 'µs/row', rows: rows.length, ...results }));
}

void main();
